/**
 * Counselling subscriptions and the closed loop (issue 6). Counselling services (ADIL, CLLAJ, CCAS, EMILE operators,
 * Action Logement advisers) subscribe to referrals by territory, needs, programmes, eligibility and age
 * ({@link fr.referralhub.counselling.Subscription}); subscriptions are declared in configuration or managed at
 * {@code /ops/subscriptions}, kept on a compacted topic ({@link fr.referralhub.counselling.SubscriptionStore}).
 * {@link fr.referralhub.counselling.CounsellingDistribution}, called by the referral state (fr.referralhub.state) in
 * the transaction that accepts each event, sends it, minimised to the subscription's profile
 * ({@link fr.referralhub.counselling.CounsellingProjection}), to the service's topic, and holds referrals whose person
 * was not informed, telling the referrer why on its feedback topic.
 */
package fr.referralhub.counselling;
