package fr.referralhub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Referral hub: partner referral events in, canonical Avro referrals and eligibility decisions out, on Kafka. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ReferralHubApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReferralHubApplication.class, args);
    }
}
