package fr.referralhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.state.LedgerDecision;

/** Canonical referral events submitted to a running hub's referral state, as intake does once it read a partner's format. */
public final class CanonicalEvents {

    private CanonicalEvents() {
    }

    /**
     * Submits the event and returns once the referral state accepted it: it is then published, decided, routed, and
     * every record that follows from it is committed, in the same transaction.
     *
     * @param personReference the person reference of the referral's creation (an update keeps its creation's)
     */
    public static LedgerDecision submit(IntakeSubmissions submissions, ReferralEvent event, String personReference) {
        LedgerDecision decision = submissions.decide(new IntakeSubmissions.Submission(event.getReferralId(),
                event.getSource().getPartnerId(), event.getSource().getPartnerEventId(), event.getEventId(),
                event.getEventType().name(), event.getEventType() == ReferralEventType.CREATED ? personReference : null,
                event.getPerson() == null ? null : event.getPerson().getPersonReferenceBasis().name(), null, event));
        assertThat(decision.outcome()).as("the referral state's decision").isEqualTo(LedgerDecision.Outcome.ACCEPTED);
        return decision;
    }
}
