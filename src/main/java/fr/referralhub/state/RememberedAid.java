package fr.referralhub.state;

/**
 * An aid a person was found eligible for, kept in the referral state's person history (store
 * {@value ReferralStateTopology#AID_HISTORY_STORE}) for the decisions of the same person's other referrals. The
 * referral state only keeps and gives back what the eligibility rules ask it to remember (their own
 * {@code EarlierAid}); it knows nothing of the rules.
 *
 * @param programme  the programme's name (an {@code fr.referralhub.avro.Programme} symbol)
 * @param year       the calendar year the aid counts for
 * @param referralId the referral it was decided on
 */
public record RememberedAid(String programme, int year, String referralId) {
}
