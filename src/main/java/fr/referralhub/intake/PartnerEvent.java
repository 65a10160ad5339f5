package fr.referralhub.intake;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.identity.Nir;
import fr.referralhub.logging.PartnerEventIds;

/**
 * A partner event read and validated, before the hub gives it ids: the canonical record as a draft (empty event id,
 * referral id and person reference) and the identifiers the person reference is computed from. The identifiers
 * stay in memory: they are never written anywhere.
 */
public record PartnerEvent(ReferralEvent draft, Identifiers identifiers) implements PartnerEventIds {

    /**
     * A draft as every reader starts it: the ids and the reception time are the hub's, set by
     * {@link ReferralIntake}; an unreadable timestamp stays EPOCH only on events that are refused anyway.
     */
    static ReferralEvent.Builder newDraft(ReferralEventType type, Optional<Instant> occurredAt) {
        return ReferralEvent.newBuilder()
                .setEventId("")
                .setReferralId("")
                .setEventType(type)
                .setOccurredAt(occurredAt.orElse(Instant.EPOCH))
                .setReceivedAt(Instant.EPOCH);
    }

    @Override
    public String partnerId() {
        return draft.getSource() == null ? null : draft.getSource().getPartnerId();
    }

    @Override
    public String partnerEventId() {
        return draft.getSource() == null ? null : draft.getSource().getPartnerEventId();
    }

    /** What the person can be recognised by, strongest first; empty on a cancellation. */
    public record Identifiers(Optional<Nir> nir, Optional<String> franceTravailId, Optional<LocalDate> birthDate) {
        public static final Identifiers NONE = new Identifiers(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
