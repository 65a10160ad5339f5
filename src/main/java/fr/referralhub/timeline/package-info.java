/**
 * The referral timeline: {@code GET /api/v1/referrals/{referralId}} answers the current status and the whole history
 * of a referral (who, what, when, why) to its referrer and, minimised, to the counselling services it was delivered
 * to; 404 to anyone else. The history is kept by the referral state (fr.referralhub.state: the referral's events and
 * every feedback on {@code feedback.<partnerId>}), read through the instance that owns the referral; the answer is
 * computed from it on each request ({@link fr.referralhub.timeline.TimelineView}).
 */
package fr.referralhub.timeline;
