package fr.referralhub.logging;

/**
 * What names a partner's event in the logs, when an exchange's body is one (an intake's read partner event): the
 * interface keeps logging free of the intake package that implements it.
 */
public interface PartnerEventIds {

    /** The partner that sent it; null when not known yet. */
    String partnerId();

    /** The partner's own id of the event; null when not known yet. */
    String partnerEventId();
}
