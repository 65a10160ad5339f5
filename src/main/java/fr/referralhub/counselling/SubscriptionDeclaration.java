package fr.referralhub.counselling;

import java.util.List;

/**
 * A subscription as written by people: in {@code hub.subscriptions} (YAML), in the body of
 * {@code PUT /ops/subscriptions/{id}}, and on the subscriptions topic (JSON). Codes are plain strings here so that a
 * wrong one gets a reason naming the field ({@link SubscriptionValidator}) instead of a parse error; the checked form
 * is {@link Subscription}.
 *
 * @param id          stable id of the subscription (lower case, digits, dashes)
 * @param serviceId   the counselling service; its topic is {@code counselling.<serviceId>}
 * @param description what the subscription is for, for operators
 * @param match       which referrals; an empty list or a missing bound means "any"
 * @param profile     which field groups the service may see ({@link CounsellingField})
 * @param delivery    how the service gets them; KAFKA when missing
 */
public record SubscriptionDeclaration(String id, String serviceId, String description, Match match,
                                      List<String> profile, Delivery delivery) {

    /**
     * @param departements INSEE codes of home departements (93, 2A, 971)
     * @param communes     INSEE codes of home communes; a referral matches the territory if it is in one of the
     *                     departements or one of the communes
     * @param needs        at least one of these needs (LOGEMENT, MOBILITE, ...)
     * @param programmes   at least one of these programmes requested by the referrer
     * @param eligibility  at least one of these programme outcomes, as the eligibility engine decides them
     * @param minAge       youngest age, inclusive, on the referral's date
     * @param maxAge       oldest age, inclusive
     */
    public record Match(List<String> departements, List<String> communes, List<String> needs, List<String> programmes,
                        List<EligibilityMatch> eligibility, Integer minAge, Integer maxAge) {
    }

    /** A programme and the outcome wanted for it, e.g. VISALE / ELIGIBLE. */
    public record EligibilityMatch(String programme, String outcome) {
    }

    /**
     * @param mode      KAFKA (the service's own topic) or WEBHOOK (signed HTTPS POSTs to {@code url})
     * @param url       WEBHOOK: where the hub POSTs each referral; https (http only to localhost where
     *                  {@code hub.webhooks.allow-http-localhost} is on: dev profile and tests)
     * @param secretRef WEBHOOK: the NAME of the signing secret, whose value is the property
     *                  {@code hub.webhook-secrets.<secretRef>} of every hub instance. Only the name is stored on the
     *                  subscriptions topic and answered by the admin API, never the secret.
     */
    public record Delivery(String mode, String url, String secretRef) {
    }
}
