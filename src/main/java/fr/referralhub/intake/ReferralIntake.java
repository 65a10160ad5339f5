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
import java.util.UUID;

import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.identity.PersonPseudonymizer;
import fr.referralhub.identity.PersonPseudonymizer.PersonReference;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.topics.RecordHeaders;
import org.apache.avro.SchemaNormalization;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Turns a validated partner event into the canonical record to publish: gives it its ids, replaces identifiers by
 * the person reference, and holds the de-duplication claim until the broker acknowledged the write.
 *
 * <p>Ids are derived from the partner's own ids, so a partner event always maps to the same referral and event id,
 * even if the hub crashed after the broker acknowledged it and before it could answer.
 */
@Component("referralIntake")
public class ReferralIntake {

    private static final Logger log = LoggerFactory.getLogger(ReferralIntake.class);

    /** Exchange property: the partner event was already published; nothing is sent again. */
    public static final String DUPLICATE = "hubDuplicate";
    /** Exchange property: the broker acknowledged the canonical record of this exchange ({@link #confirm}). */
    public static final String PUBLISHED = "hubPublished";
    /** Exchange property: the referral the event belongs to. */
    public static final String REFERRAL_ID = "hubReferralId";
    /** Exchange property: the de-duplication claim this exchange holds. */
    private static final String CLAIM = "hubIntakeClaim";

    /** Canonical schema version the content hashes are made with. */
    private static final long SCHEMA_FINGERPRINT = SchemaNormalization.parsingFingerprint64(ReferralEvent.getClassSchema());

    private final IntakeLedger ledger;
    private final PersonPseudonymizer pseudonymizer;
    private final Clock clock;

    @Autowired
    public ReferralIntake(IntakeLedger ledger, PersonPseudonymizer pseudonymizer) {
        this(ledger, pseudonymizer, Clock.systemUTC());
    }

    ReferralIntake(IntakeLedger ledger, PersonPseudonymizer pseudonymizer, Clock clock) {
        this.ledger = ledger;
        this.pseudonymizer = pseudonymizer;
        this.clock = clock;
    }

    /**
     * Prepares the exchange for publication: body becomes the canonical {@link ReferralEvent}, headers carry the
     * record key and tracing headers, or property {@link #DUPLICATE} is set when the event was seen before.
     */
    public void prepare(PartnerEvent event, Exchange exchange) {
        String partnerId = event.partnerId();
        String partnerEventId = event.partnerEventId();
        String contentHash = contentHash(event);
        var earlier = ledger.claim(partnerId, partnerEventId);
        if (earlier.isPresent()) {
            if (contradicts(earlier.get().contentHash(), contentHash)) {
                throw new InvalidPartnerEventException(Kind.CONFLICT, List.of(new FieldError("(partner event id)",
                        "was already received with other content; an event id names one event: send the change as "
                                + "an update with a new event id")));
            }
            exchange.setProperty(DUPLICATE, true);
            exchange.setProperty(REFERRAL_ID, earlier.get().referralId());
            log.info("Partner event {} of {} already published (referral {}): not published again", partnerEventId,
                    partnerId, earlier.get().referralId());
            return;
        }
        try {
            Completed completed = complete(event);
            ReferralEvent canonical = completed.canonical();
            String recordKey = completed.person().value();
            IntakeLedger.Entry entry = new IntakeLedger.Entry(canonical.getReferralId(), recordKey,
                    completed.person().basis(), canonical.getEventType(), contentHash);
            exchange.setProperty(CLAIM, new Claim(partnerId, partnerEventId, entry));
            // Whatever happens next (published, refused, broker down), the claim is given back at the end of the
            // exchange unless confirm() recorded the publication first: a retry is then processed anew.
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    ledger.release(partnerId, partnerEventId);
                }
            });
            var message = exchange.getMessage();
            message.setBody(canonical);
            exchange.setProperty(DUPLICATE, false);
            exchange.setProperty(REFERRAL_ID, canonical.getReferralId());
            message.setHeader(KafkaConstants.KEY, recordKey);
            message.setHeader(RecordHeaders.PARTNER_ID, partnerId);
            message.setHeader(RecordHeaders.PARTNER_EVENT_ID, partnerEventId);
            message.setHeader(RecordHeaders.REFERRAL_ID, canonical.getReferralId());
            message.setHeader(RecordHeaders.EVENT_ID, canonical.getEventId());
            message.setHeader(RecordHeaders.EVENT_TYPE, canonical.getEventType().name());
            message.setHeader(RecordHeaders.PERSON_REFERENCE_BASIS, completed.person().basis().name());
            message.setHeader(RecordHeaders.CONTENT_HASH, contentHash);
        } catch (RuntimeException | Error e) {
            ledger.release(partnerId, partnerEventId);
            throw e;
        }
    }

    /** Route step right after the broker acknowledged the record: from now on the event is a duplicate. */
    public void confirm(Exchange exchange) {
        Claim claim = exchange.getProperty(CLAIM, Claim.class);
        ledger.confirm(claim.partnerId(), claim.partnerEventId(), claim.entry());
        exchange.setProperty(PUBLISHED, true);
        // Ids only (no personal data): the trail an operator follows from a partner's event to its referral.
        log.info("Published partner event {} of {}: {} of referral {}", claim.partnerEventId(), claim.partnerId(),
                claim.entry().type(), claim.entry().referralId());
    }

    /** Body of the 202 answer. */
    public Map<String, Object> acceptedAnswer(Exchange exchange) {
        boolean duplicate = exchange.getProperty(DUPLICATE, false, Boolean.class);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return Map.of(
                "referralId", exchange.getProperty(REFERRAL_ID, String.class),
                "status", duplicate ? "ALREADY_RECEIVED" : "ACCEPTED");
    }

    /** The canonical record and the person it is about (also the record key: one person's events stay in order). */
    private record Completed(ReferralEvent canonical, PersonReference person) {
    }

    private Completed complete(PartnerEvent event) {
        ReferralEvent draft = event.draft();
        String partnerId = event.partnerId();
        String referralId;
        PersonReference person;
        if (draft.getEventType() == ReferralEventType.CREATED) {
            referralId = derivedId("referral", partnerId, event.partnerEventId());
            person = personReference(event.identifiers(), referralId);
        } else {
            IntakeLedger.Entry creation = referralCreatedBy(partnerId, draft.getSource().getOriginPartnerEventId());
            referralId = creation.referralId();
            // One referral, one person: an update keeps the reference its creation got, whatever identifiers it
            // carries, so its events share a key and consumers never see the referral split in two people.
            person = new PersonReference(creation.personReference(), creation.personReferenceBasis());
        }
        ReferralEvent.Builder canonical = ReferralEvent.newBuilder(draft)
                .setEventId(derivedId("event", partnerId, event.partnerEventId()))
                .setReferralId(referralId)
                .setReceivedAt(clock.instant());
        if (draft.getPerson() != null) {
            canonical.setPerson(PersonProfile.newBuilder(draft.getPerson())
                    .setPersonReference(person.value())
                    .setPersonReferenceBasis(person.basis())
                    .build());
        }
        return new Completed(canonical.build(), person);
    }

    private IntakeLedger.Entry referralCreatedBy(String partnerId, String origin) {
        IntakeLedger.Entry creation = ledger.creation(partnerId, origin).orElseThrow(() -> unknownReferral(origin));
        if (ledger.isCancelled(creation.referralId())) {
            throw new InvalidPartnerEventException(Kind.UNKNOWN_REFERRAL, List.of(new FieldError(
                    "idEvenementOrigine", "the referral created by '" + origin + "' was cancelled; send a new creation")));
        }
        return creation;
    }

    private PersonReference personReference(PartnerEvent.Identifiers ids, String referralId) {
        if (ids.nir().isPresent()) {
            return pseudonymizer.fromNir(ids.nir().get());
        }
        if (ids.franceTravailId().isPresent() && ids.birthDate().isPresent()) {
            return pseudonymizer.fromFranceTravailId(ids.franceTravailId().get(), ids.birthDate().get());
        }
        return pseudonymizer.forReferralOnly(referralId);
    }

    /**
     * {@code <schema fingerprint>:<SHA-256>} of the event as the partner sent it, in canonical form: the draft (no
     * hub ids, no reception time) and the person by keyed pseudonym, so the hash holds no NIR that could be guessed
     * back. Comments and contact details are not carried, so a re-send differing only there is a plain re-send.
     */
    private String contentHash(PartnerEvent event) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            ByteBuffer draft = event.draft().toByteBuffer();
            sha256.update(draft);
            PartnerEvent.Identifiers ids = event.identifiers();
            String person = ids.nir().map(nir -> pseudonymizer.fromNir(nir).value()).orElse("")
                    + '|' + (ids.franceTravailId().isPresent() && ids.birthDate().isPresent()
                    ? pseudonymizer.fromFranceTravailId(ids.franceTravailId().get(), ids.birthDate().get()).value()
                    : "");
            sha256.update(person.getBytes(StandardCharsets.UTF_8));
            return Long.toHexString(SCHEMA_FINGERPRINT) + ':' + HexFormat.of().formatHex(sha256.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash a partner event", e);
        }
    }

    /**
     * Whether a re-sent event's content differs from what was published. Hashes made with another version of the
     * canonical schema (or none, before the header existed) cannot be compared: the event is taken as a re-send.
     */
    private static boolean contradicts(String published, String resent) {
        if (published == null || !published.startsWith(Long.toHexString(SCHEMA_FINGERPRINT) + ':')) {
            return false;
        }
        return !published.equals(resent);
    }

    private static InvalidPartnerEventException unknownReferral(String origin) {
        return new InvalidPartnerEventException(Kind.UNKNOWN_REFERRAL, List.of(new FieldError("idEvenementOrigine",
                "no referral was created by event '" + origin + "' of this structure")));
    }

    private static String derivedId(String kind, String partnerId, String partnerEventId) {
        return UUID.nameUUIDFromBytes((kind + ':' + partnerId + ':' + partnerEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** A partner event this exchange is publishing, and what the ledger records once it is. */
    private record Claim(String partnerId, String partnerEventId, IntakeLedger.Entry entry) {
    }
}
