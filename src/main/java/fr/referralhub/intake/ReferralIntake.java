package fr.referralhub.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.identity.PersonPseudonymizer.PersonReference;
import fr.referralhub.identity.PersonPseudonymizer;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.logging.ReferralLogContext;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.state.LedgerDecision;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns a validated partner event into the canonical record to publish, gives it its ids, replaces identifiers by
 * the person reference, and has the referral ledger ({@link IntakeSubmissions}) publish it once: the ledger, shared
 * by every hub instance, decides whether the event is new, a re-send or refused, and publishes new events to
 * {@code referrals.v1} in the same transaction.
 *
 * <p>Ids are derived from the partner's own ids, so a partner event always maps to the same referral and event id,
 * whichever instance receives it and even if the hub crashed after the ledger published it and before it answered.
 * An update or a cancellation names its referral by the partner's id of the creation event, so it is derived the same
 * way and every event of one referral reaches the same ledger partition, in order.
 */
@Component("referralIntake")
public class ReferralIntake {

    private static final Logger log = LoggerFactory.getLogger(ReferralIntake.class);

    /** Exchange property: the partner event was already published; nothing is sent again. */
    public static final String DUPLICATE = "hubDuplicate";
    /** Exchange property: the ledger published the canonical record of this exchange. */
    public static final String PUBLISHED = "hubPublished";
    /**
     * Exchange property: the partner asked to be answered on receipt ({@code Prefer: respond-async}, RFC 7240), so the
     * answer waits for the broker's acknowledgement only, not for the ledger's decision ({@link #notePreference}).
     */
    public static final String ANSWERED_ON_RECEIPT = "hubAnsweredOnReceipt";
    /** The answer header saying the preference was applied (RFC 7240). */
    public static final String PREFERENCE_APPLIED = "Preference-Applied";
    /** Exchange property: the referral the event belongs to. */
    public static final String REFERRAL_ID = ReferralLogContext.REFERRAL_ID_PROPERTY;
    /** Exchange property: the partner's id of the event. */
    public static final String PARTNER_EVENT_ID = "hubPartnerEventId";
    /** Exchange property: the hub's id of the canonical event (derived from the partner's). */
    public static final String EVENT_ID = "hubEventId";

    /** Canonical schema version the content hashes are made with. */
    private static final long SCHEMA_FINGERPRINT = SchemaNormalization.parsingFingerprint64(ReferralEvent.getClassSchema());

    private final IntakeSubmissions ledger;
    private final PersonPseudonymizer pseudonymizer;
    private final Clock clock;

    @Autowired
    public ReferralIntake(IntakeSubmissions ledger, PersonPseudonymizer pseudonymizer) {
        this(ledger, pseudonymizer, Clock.systemUTC());
    }

    ReferralIntake(IntakeSubmissions ledger, PersonPseudonymizer pseudonymizer, Clock clock) {
        this.ledger = ledger;
        this.pseudonymizer = pseudonymizer;
        this.clock = clock;
    }

    /** A partner event sent to the ledger, and its decision to come. */
    public record Pending(PartnerEvent event, String eventId, IntakeSubmissions.Submitted submitted) {
    }

    /**
     * Route step, before the request's headers are dropped: notes whether the partner prefers an answer on receipt.
     * A partner replaying a backlog sends {@code Prefer: respond-async} and gets its 202 once the broker holds the event,
     * without waiting for the referral state's transaction; its refusals, rare, then go to the dead letters.
     */
    public void notePreference(Exchange exchange) {
        exchange.setProperty(ANSWERED_ON_RECEIPT, prefersRespondAsync(exchange.getMessage().getHeader("Prefer",
                String.class)));
    }

    /** RFC 7240: preferences are comma-separated tokens, case-insensitive, each with optional parameters after ';'. */
    static boolean prefersRespondAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String preference : prefer.split(",")) {
            String token = preference.split("[;=]", 2)[0].strip();
            if (token.equalsIgnoreCase("respond-async")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Publishes the event through the ledger and waits for its decision: afterwards property {@link #REFERRAL_ID} is
     * set, and {@link #PUBLISHED} or {@link #DUPLICATE}. Answered on receipt ({@link #ANSWERED_ON_RECEIPT}), it waits
     * for the broker's acknowledgement only, and sets {@link #REFERRAL_ID} alone: the ledger decides later.
     *
     * @throws InvalidPartnerEventException when the ledger refuses it (conflicting re-use of an event id, unknown or
     *                                      cancelled referral)
     */
    public void prepare(PartnerEvent event, Exchange exchange) {
        if (exchange.getProperty(ANSWERED_ON_RECEIPT, false, Boolean.class)) {
            Completed completed = complete(event);
            ledger.awaitReceipt(ledger.submitAnsweredOnReceipt(submission(event, completed)));
            String referralId = completed.canonical().getReferralId();
            exchange.setProperty(PARTNER_EVENT_ID, event.partnerEventId());
            exchange.setProperty(EVENT_ID, completed.canonical().getEventId());
            exchange.setProperty(REFERRAL_ID, referralId);
            try (var referral = MDC.putCloseable(ReferralLogContext.REFERRAL_ID, referralId)) {
                log.info("Recorded partner event {} of {} ({} of referral {}), answered on receipt: the referral state "
                        + "decides it", event.partnerEventId(), event.partnerId(), event.draft().getEventType(), referralId);
            }
            return;
        }
        settle(submit(event), exchange);
    }

    /** Sends the event to the ledger without waiting: a batch sends all its events, then {@link #settle}s each. */
    public Pending submit(PartnerEvent event) {
        Completed completed = complete(event);
        return new Pending(event, completed.canonical().getEventId(), ledger.submit(submission(event, completed)));
    }

    private static IntakeSubmissions.Submission submission(PartnerEvent event, Completed completed) {
        ReferralEvent canonical = completed.canonical();
        PersonReference person = completed.person();
        return new IntakeSubmissions.Submission(canonical.getReferralId(), event.partnerId(), event.partnerEventId(),
                canonical.getEventId(), canonical.getEventType().name(), person == null ? null : person.value(),
                person == null ? null : person.basis().name(), completed.contentHash(), canonical);
    }

    /** Waits for the decision of a {@link #submit}ted event and records it on the exchange, as {@link #prepare}. */
    public void settle(Pending pending, Exchange exchange) {
        PartnerEvent event = pending.event();
        LedgerDecision decision = ledger.await(pending.submitted());
        exchange.setProperty(PARTNER_EVENT_ID, event.partnerEventId());
        exchange.setProperty(EVENT_ID, pending.eventId());
        switch (decision.outcome()) {
            case ACCEPTED -> {
                exchange.setProperty(REFERRAL_ID, decision.referralId());
                exchange.setProperty(DUPLICATE, false);
                exchange.setProperty(PUBLISHED, true);
                // Ids only (no personal data): the trail an operator follows from a partner's event to its referral.
                try (var referral = MDC.putCloseable(ReferralLogContext.REFERRAL_ID, decision.referralId())) {
                    log.info("Published partner event {} of {}: {} of referral {}", event.partnerEventId(),
                            event.partnerId(), event.draft().getEventType(), decision.referralId());
                }
            }
            case DUPLICATE -> {
                exchange.setProperty(REFERRAL_ID, decision.referralId());
                exchange.setProperty(DUPLICATE, true);
                try (var referral = MDC.putCloseable(ReferralLogContext.REFERRAL_ID, decision.referralId())) {
                    log.info("Partner event {} of {} already published (referral {}): not published again",
                            event.partnerEventId(), event.partnerId(), decision.referralId());
                }
            }
            case CONFLICT -> throw new InvalidPartnerEventException(Kind.CONFLICT, List.of(new FieldError(
                    "(partner event id)", decision.reason())));
            case UNKNOWN_REFERRAL -> throw unknownReferral(event.draft().getSource().getOriginPartnerEventId());
            case CANCELLED_REFERRAL -> throw new InvalidPartnerEventException(Kind.UNKNOWN_REFERRAL, List.of(
                    new FieldError("idEvenementOrigine", decision.reason())));
            default -> throw new IllegalStateException("The referral ledger could not record partner event "
                    + event.partnerEventId() + " of " + event.partnerId() + ": " + decision.reason());
        }
    }

    /** Body of the 202 answer: ACCEPTED, ALREADY_RECEIVED, or RECEIVED when answered on receipt. */
    public Map<String, Object> acceptedAnswer(Exchange exchange) {
        boolean duplicate = exchange.getProperty(DUPLICATE, false, Boolean.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        String status = duplicate ? "ALREADY_RECEIVED" : "ACCEPTED";
        if (exchange.getProperty(ANSWERED_ON_RECEIPT, false, Boolean.class)) {
            exchange.getMessage().setHeader(PREFERENCE_APPLIED, "respond-async");
            status = "RECEIVED";
        }
        return Map.of("referralId", exchange.getProperty(REFERRAL_ID, String.class), "status", status);
    }

    /**
     * The canonical record, the person it is about (also the record key: one person's events stay in order) and the
     * content hash of the event as sent.
     */
    private record Completed(ReferralEvent canonical, PersonReference person, String contentHash) {
    }

    /**
     * The canonical record. A creation gets its person reference here; an update or a cancellation gets none (null):
     * the ledger gives it the reference of its creation.
     */
    private Completed complete(PartnerEvent event) {
        // Each keyed pseudonym once per event: the person reference and the content hash both use them.
        Pseudonyms pseudonyms = pseudonyms(event.identifiers());
        ReferralEvent draft = event.draft();
        String partnerId = event.partnerId();
        String referralId;
        PersonReference person;
        if (draft.getEventType() == ReferralEventType.CREATED) {
            referralId = referralId(partnerId, event.partnerEventId());
            person = pseudonyms.strongest().orElseGet(() -> pseudonymizer.forReferralOnly(referralId));
        } else {
            referralId = referralId(partnerId, draft.getSource().getOriginPartnerEventId());
            person = null;
        }
        ReferralEvent canonical = shallowCopy(draft, new ReferralEvent());
        canonical.setEventId(derivedId("event", partnerId, event.partnerEventId()));
        canonical.setReferralId(referralId);
        canonical.setReceivedAt(clock.instant());
        if (draft.getPerson() != null) {
            PersonProfile profile = shallowCopy(draft.getPerson(), new PersonProfile());
            if (person != null) {
                profile.setPersonReference(person.value());
                profile.setPersonReferenceBasis(person.basis());
            } else {
                // Overwritten by the ledger with the creation's reference before anything is published.
                profile.setPersonReference("");
                profile.setPersonReferenceBasis(PersonReferenceBasis.NONE);
            }
            canonical.setPerson(profile);
        }
        return new Completed(canonical, person, contentHash(event, pseudonyms));
    }

    /**
     * The record's fields into {@code copy}, sharing their values: the draft is left as the partner sent it (its
     * content hash, a redelivery), and nothing changes the nested values both hold. Avro's builders deep-copy every
     * nested record, list and string instead: 7 % of the HTTP routes' CPU under load (JFR, issue 14). Field by
     * schema position, so a field added to the schema is copied too.
     */
    private static <T extends SpecificRecordBase> T shallowCopy(T record, T copy) {
        for (Schema.Field field : record.getSchema().getFields()) {
            copy.put(field.pos(), record.get(field.pos()));
        }
        return copy;
    }

    /** The referral a partner's creation event makes (and its updates name, by that event's id). */
    static String referralId(String partnerId, String creationEventId) {
        return derivedId("referral", partnerId, creationEventId);
    }

    /** The keyed pseudonyms of a person's identifiers, each computed once; empty where the identifier is missing. */
    private record Pseudonyms(Optional<PersonReference> nir, Optional<PersonReference> franceTravailId) {

        /** The person reference: NIR first, then France Travail id + birth date (PersonPseudonymizer says why). */
        Optional<PersonReference> strongest() {
            return nir.or(() -> franceTravailId);
        }
    }

    private Pseudonyms pseudonyms(PartnerEvent.Identifiers ids) {
        return new Pseudonyms(ids.nir().map(pseudonymizer::fromNir),
                ids.franceTravailId().isPresent() && ids.birthDate().isPresent()
                        ? Optional.of(pseudonymizer.fromFranceTravailId(ids.franceTravailId().get(), ids.birthDate().get()))
                        : Optional.empty());
    }

    /**
     * {@code <schema fingerprint>:<SHA-256>} of the event as the partner sent it, in canonical form: the draft (no
     * hub ids, no reception time) and the person by keyed pseudonym, so the hash holds no NIR that could be guessed
     * back. Comments and contact details are not carried, so a re-send differing only there is a plain re-send.
     */
    private String contentHash(PartnerEvent event, Pseudonyms pseudonyms) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            ByteBuffer draft = event.draft().toByteBuffer();
            sha256.update(draft);
            String person = pseudonyms.nir().map(PersonReference::value).orElse("")
                    + '|' + pseudonyms.franceTravailId().map(PersonReference::value).orElse("");
            sha256.update(person.getBytes(StandardCharsets.UTF_8));
            return Long.toHexString(SCHEMA_FINGERPRINT) + ':' + HexFormat.of().formatHex(sha256.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash a partner event", e);
        }
    }

    private static InvalidPartnerEventException unknownReferral(String origin) {
        return new InvalidPartnerEventException(Kind.UNKNOWN_REFERRAL, List.of(new FieldError("idEvenementOrigine",
                "no referral was created by event '" + origin + "' of this structure")));
    }

    private static String derivedId(String kind, String partnerId, String partnerEventId) {
        return UUID.nameUUIDFromBytes((kind + ':' + partnerId + ':' + partnerEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
