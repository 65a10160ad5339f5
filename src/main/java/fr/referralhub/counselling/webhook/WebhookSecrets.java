package fr.referralhub.counselling.webhook;

import java.util.Optional;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Signing secrets of WEBHOOK subscriptions, by the name their subscription gives ({@code delivery.secretRef}): the
 * property {@code hub.webhook-secrets.<name>} (e.g. environment variable {@code HUB_WEBHOOKSECRETS_ADIL93} for
 * {@code adil-93}, or a mounted configuration file). Secrets live only in each instance's configuration: never on a
 * topic, in an API answer or in a log.
 */
@Component
public class WebhookSecrets {

    static final String PREFIX = "hub.webhook-secrets.";
    /** HMAC-SHA256 keys shorter than this are guessable. */
    static final int MIN_LENGTH = 16;

    private final Environment environment;

    public WebhookSecrets(Environment environment) {
        this.environment = environment;
    }

    /** The secret named {@code name}, if this instance has one long enough. */
    public Optional<String> find(String name) {
        String secret = environment.getProperty(PREFIX + name);
        return secret == null || secret.length() < MIN_LENGTH ? Optional.empty() : Optional.of(secret);
    }

    /** Why a name cannot be used, for a field-level reason (never says anything of the secret's value). */
    public static String missing(String name) {
        return "no secret named '" + name + "' on this hub: configure " + PREFIX + name + " (at least " + MIN_LENGTH
                + " characters) on every instance";
    }
}
