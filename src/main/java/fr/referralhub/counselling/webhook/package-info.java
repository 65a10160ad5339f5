/**
 * WEBHOOK delivery of counselling subscriptions: the distribution route writes each referral for a WEBHOOK
 * subscription to the outbox topic {@code webhook-deliveries.v1} (keyed by subscription id); {@link
 * fr.referralhub.counselling.webhook.WebhookSender} reads it and POSTs each record as signed JSON ({@link
 * fr.referralhub.counselling.webhook.WebhookSignature}) with retries, one ordered lane per subscription, and commits
 * an offset only once every record before it is delivered or dead-lettered.
 */
package fr.referralhub.counselling.webhook;
