package fr.referralhub.partners;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.partners}: the declarative partner list (src/main/resources/partners.yaml is imported by
 * application.yaml; a deployment supplies its own with {@code spring.config.import}). Onboarding a partner of an
 * existing format is an entry here, no code.
 */
@ConfigurationProperties("hub")
public record PartnerRegistryProperties(@DefaultValue List<Partner> partners) {
}
