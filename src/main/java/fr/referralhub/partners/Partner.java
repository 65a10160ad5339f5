package fr.referralhub.partners;

import java.util.List;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * A partner organisation as the hub knows it: who it is, how it sends, which of its structures it may publish for,
 * and the hashes of its API keys (never the keys).
 *
 * @param id         stable id, used as partnerId on canonical records
 * @param name       readable name, for operators
 * @param structures      codes of the structures (agencies, CFAs, landlords) this partner may publish for
 * @param feedbackWebhook optional: where the hub also POSTs the partner's feedback (HTTP partners); null: its
 *                        feedback topic only
 */
public record Partner(String id, String name, PartnerKind kind, IntakeChannel channel, String format, boolean enabled,
                      List<String> structures, List<ApiKey> apiKeys, FeedbackWebhook feedbackWebhook) {

    @ConstructorBinding
    public Partner {
        structures = List.copyOf(structures == null ? List.of() : structures);
        apiKeys = List.copyOf(apiKeys == null ? List.of() : apiKeys);
        // No URL is no webhook: lets a configuration switch one on by an environment variable (partners-dev.yaml).
        if (feedbackWebhook != null && (feedbackWebhook.url() == null || feedbackWebhook.url().isBlank())) {
            feedbackWebhook = null;
        }
    }

    /** A partner without a feedback webhook. */
    public Partner(String id, String name, PartnerKind kind, IntakeChannel channel, String format, boolean enabled,
                   List<String> structures, List<ApiKey> apiKeys) {
        this(id, name, kind, channel, format, enabled, structures, apiKeys, null);
    }

    public boolean mayPublishFor(String structureCode) {
        return structures.contains(structureCode);
    }

    /**
     * An API key by its SHA-256 (hex). Keys are random and long, so a fast hash is enough: there is no password to
     * protect from guessing, only a stored value that must not be usable if read.
     *
     * @param id label of the key (to rotate keys: add the new one, then remove the old one)
     */
    public record ApiKey(String id, String sha256) {
    }

    /**
     * Where the hub POSTs each {@code ReferralFeedback} of the partner's topic {@code feedback.<partnerId>}, signed
     * like counselling webhooks.
     *
     * @param url       https URL (plain http only to localhost in the dev profile)
     * @param secretRef name of the signing secret: property {@code hub.webhook-secrets.<secretRef>} (never the secret)
     */
    public record FeedbackWebhook(String url, String secretRef) {
    }
}
