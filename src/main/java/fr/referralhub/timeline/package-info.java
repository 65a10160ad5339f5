/**
 * The referral timeline (issue 6, item 7): {@code GET /api/v1/referrals/{referralId}} answers the current status and
 * the whole history of a referral (who, what, when, why) to its referrer and, minimised, to the counselling services
 * it was delivered to; 404 to anyone else. The history is a view of Kafka ({@link fr.referralhub.timeline.ReferralTimelines}:
 * {@code referrals.v1} and every {@code feedback.<partnerId>}), so it comes back after a restart; the answer is
 * computed from it on each request ({@link fr.referralhub.timeline.TimelineView}).
 */
package fr.referralhub.timeline;
