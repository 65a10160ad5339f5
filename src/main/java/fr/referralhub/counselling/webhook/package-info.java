/**
 * Webhooks the hub POSTs, signed ({@link fr.referralhub.counselling.webhook.WebhookSignature}) with retries and dead
 * letters, by one engine ({@link fr.referralhub.counselling.webhook.SignedWebhookSender}: ordered lanes, offsets
 * committed only once every record before is delivered or dead-lettered) for two flows:
 * <ul>
 * <li>WEBHOOK counselling subscriptions: the distribution route writes each referral for one to the outbox topic
 * {@code webhook-deliveries.v1} (keyed by subscription id); {@link fr.referralhub.counselling.webhook.WebhookSender}
 * POSTs it, one lane per subscription, and tells the referrer DELIVERED after a first delivery's 2xx;</li>
 * <li>partners' feedback webhooks: {@link fr.referralhub.counselling.webhook.FeedbackWebhookSender} POSTs each
 * feedback of {@code feedback.<partnerId>} of the partners declaring one, one lane per partner.</li>
 * </ul>
 */
package fr.referralhub.counselling.webhook;
