package fr.referralhub.counselling;

import fr.referralhub.counselling.webhook.SignedWebhookSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Metric {@value #METRIC}{subscription,result}: referral records for counselling subscriptions, by result. A KAFKA
 * subscription's records are counted {@code delivered} when routed ({@link CounsellingDistribution}); a WEBHOOK
 * subscription's by its webhook sender: {@code delivered}, {@code failed} (an attempt) or {@code dead_lettered}.
 *
 * <p>Every subscription has its series at 0 (a webhook's failures too) as soon as it is in force: at start-up, and
 * when an operator adds one later (through any instance). A counter born at its first failure shows Prometheus no
 * increase, so the alert SubscriptionDeliveriesFailing would miss the first failures after a restart or of a new
 * subscription, and the dashboard's panel would show "no data".
 */
@Component
public class SubscriptionDeliveries {

    public static final String METRIC = "hub.subscription.deliveries";

    private final MeterRegistry meters;

    public SubscriptionDeliveries(SubscriptionStore subscriptions, MeterRegistry meters) {
        this.meters = meters;
        subscriptions.whenInForce(this::register);
    }

    private void register(Subscription subscription) {
        if (subscription.deliveryMode() == Subscription.DeliveryMode.WEBHOOK) {
            SignedWebhookSender.RESULTS.forEach(result -> counter(subscription.id(), result));
        } else {
            counter(subscription.id(), SignedWebhookSender.DELIVERED);
        }
    }

    /** One record of the subscription reached this result. */
    public void count(String subscriptionId, String result) {
        counter(subscriptionId, result).increment();
    }

    private Counter counter(String subscriptionId, String result) {
        return Counter.builder(METRIC)
                .description("Referral records for counselling subscriptions, by result")
                .tag("subscription", subscriptionId).tag("result", result)
                .register(meters);
    }
}
