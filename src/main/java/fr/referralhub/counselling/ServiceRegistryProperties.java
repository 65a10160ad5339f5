package fr.referralhub.counselling;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code hub.services}: the counselling services that report statuses, with their API key hashes. */
@ConfigurationProperties("hub")
public record ServiceRegistryProperties(@DefaultValue List<CounsellingService> services) {
}
