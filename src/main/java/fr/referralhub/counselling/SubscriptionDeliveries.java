package fr.referralhub.counselling;

import fr.referralhub.counselling.webhook.SignedWebhookSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Metric {@value #METRIC}{subscription,result}: referral records for counselling subscriptions, by result. A KAFKA
 * subscription's records are counted {@code delivered} when routed ({@link CounsellingDistribution}); a WEBHOOK
 * subscription's by its webhook sender: {@code delivered}, {@code failed} (an attempt) or {@code dead_lettered}.
 *
 * <p>Every subscription in force at start-up has its series at 0 (a webhook's failures too): a counter born at its
 * first failure shows Prometheus no increase, so the alert SubscriptionDeliveriesFailing would miss the first
 * failures after a restart, and the dashboard's panel would show "no data".
 */
@Component
public class SubscriptionDeliveries {

    public static final String METRIC = "hub.subscription.deliveries";

    private final SubscriptionStore subscriptions;
    private final MeterRegistry meters;

    public SubscriptionDeliveries(SubscriptionStore subscriptions, MeterRegistry meters) {
        this.subscriptions = subscriptions;
        this.meters = meters;
    }

    /** Once the subscriptions are read from their topic (the store starts before the application is ready). */
    @EventListener(ApplicationReadyEvent.class)
    void registerSubscriptionsInForce() {
        for (Subscription subscription : subscriptions.active()) {
            if (subscription.deliveryMode() == Subscription.DeliveryMode.WEBHOOK) {
                SignedWebhookSender.RESULTS.forEach(result -> counter(subscription.id(), result));
            } else {
                counter(subscription.id(), SignedWebhookSender.DELIVERED);
            }
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
