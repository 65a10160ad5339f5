package fr.referralhub.eligibility;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Makes the eligibility engine a Spring bean, so routes can call it. The engine itself stays free of Spring: the rule
 * sets are read here, once, and an invalid rule-set file stops the application start with a message naming the file
 * and the line.
 *
 * <p>The file is {@code hub.eligibility.rule-sets}, a Spring resource location ({@code classpath:...} or
 * {@code file:...}); by default the one shipped with the hub, {@code classpath:eligibility/rule-sets.yaml}.
 */
@Configuration(proxyBeanMethods = false)
public class EligibilityConfiguration {

    /** Default of {@code hub.eligibility.rule-sets}: the rule-set file shipped with the hub. */
    public static final String BUNDLED_RULE_SETS_LOCATION = "classpath:" + EligibilityEngine.BUNDLED_RULE_SETS;

    @Bean
    public EligibilityEngine eligibilityEngine(
            @Value("${hub.eligibility.rule-sets:" + BUNDLED_RULE_SETS_LOCATION + "}") String location,
            ResourceLoader resources) {
        Resource resource = resources.getResource(location);
        if (!resource.exists()) {
            throw new InvalidRuleSetFileException(location, "not found (hub.eligibility.rule-sets)");
        }
        try (InputStream in = resource.getInputStream()) {
            return new EligibilityEngine(EligibilityEngine.ruleSetLoader().load(location, in));
        } catch (IOException e) {
            throw new InvalidRuleSetFileException(location, "cannot be read", e);
        }
    }
}
