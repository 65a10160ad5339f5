package fr.referralhub.eligibility;

import fr.referralhub.avro.Programme;

/**
 * An aid the hub already found the same person eligible for, on another referral: what a programme that limits its
 * repeats (the seasonal workers' aid: once more, in another calendar year) decides against. The hub knows only its
 * own decisions, not the aids the provider paid.
 *
 * @param programme  the programme
 * @param year       the calendar year it counts for (the season's: the contract's start, else the application date)
 * @param referralId the referral it was decided on
 */
public record EarlierAid(Programme programme, int year, String referralId) {
}
