package fr.referralhub.counselling;

/**
 * A subscription as kept on the subscriptions topic (JSON value, keyed by its id) and answered by
 * {@code GET /ops/subscriptions}: the declaration, and who last wrote it.
 *
 * @param origin    CONFIGURATION (seeded from {@code hub.subscriptions} at start-up) or OPERATOR (admin API). An
 *                  operator's version is never overwritten by the configuration.
 * @param updatedBy the operator's user name, or "configuration"
 * @param updatedAt ISO-8601 instant of the write
 */
public record StoredSubscription(SubscriptionDeclaration subscription, Origin origin, String updatedBy, String updatedAt) {

    public enum Origin { CONFIGURATION, OPERATOR }
}
