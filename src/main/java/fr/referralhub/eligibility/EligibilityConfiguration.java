package fr.referralhub.eligibility;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Makes the eligibility engine a Spring bean, so routes can call it. The engine itself stays free of Spring: the rule
 * sets are read here, once, and an invalid rule-set file stops the application start with a message naming it.
 */
@Configuration(proxyBeanMethods = false)
public class EligibilityConfiguration {

    @Bean
    public EligibilityEngine eligibilityEngine() {
        return EligibilityEngine.withBundledRuleSets();
    }
}
