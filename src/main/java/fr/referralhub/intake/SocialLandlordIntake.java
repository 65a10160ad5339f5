package fr.referralhub.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.OversizedRecordException;
import fr.referralhub.kafka.Outages;
import fr.referralhub.logging.ReferralLogContext;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.TopicCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/social-landlord-intake.camel.yaml}: a batch of records from the landlords' intake
 * topics ({@value #TOPIC_PREFIX}&lt;partnerId&gt;) goes through the same intake as an HTTP event (ids, pseudonym,
 * de-duplication by (partner, identifiant) in the referral ledger).
 *
 * <p>{@link #intakeBatch} reads each record on its own and submits every readable one to the ledger at once, then
 * waits for each decision in the order of the batch. A record that can never be used (not XML, DTD, invalid, not this
 * landlord's structure, topic of no landlord, unknown referral, conflicting event id) is dead-lettered, encrypted,
 * with its reasons, and the others go on; one over {@link TopicCatalog#INTAKE_MAX_RECORD_BYTES} is refused unread
 * (its dead letter keeps a digest, not the bytes). An outage fails the batch, which is consumed again: records the ledger
 * already published are then duplicates. An update whose creation is in the same batch needs no care: both are keyed
 * by the referral, so the ledger decides them in order.
 */
@Component("socialLandlordIntake")
public class SocialLandlordIntake {

    public static final String TOPIC_PREFIX = "intake.";

    private final PartnerRegistry partners;
    private final SocialLandlordXmlReader reader;
    private final ReferralIntake intake;
    private final DeadLetters deadLetters;
    private final IntakeAccounting accounting;

    public SocialLandlordIntake(PartnerRegistry partners, SocialLandlordXmlReader reader, ReferralIntake intake,
                                DeadLetters deadLetters, IntakeAccounting accounting) {
        this.partners = partners;
        this.reader = reader;
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.accounting = accounting;
    }

    /** Partners whose documents this route takes: enabled social landlords sending XML on Kafka. */
    public static boolean isKafkaXmlLandlord(Partner partner) {
        return partner.enabled() && partner.kind() == PartnerKind.SOCIAL_LANDLORD
                && partner.channel() == IntakeChannel.KAFKA_XML && SocialLandlordXmlReader.FORMAT.equals(partner.format());
    }

    /** A record of the batch and what became of it so far. */
    private record InBatch(Exchange record, String partnerId, String partnerEventId, ReferralIntake.Pending pending) {
    }

    /** Route step: every record of the batch published, found a duplicate or dead-lettered when it returns. */
    public void intakeBatch(List<Exchange> records, Exchange batch) {
        // Each record's fate is counted once the batch is committed; a failed batch is consumed again and counted then.
        IntakeAccounting.Tally tally = accounting.openTally(batch, IntakeChannel.KAFKA_XML);
        List<InBatch> submitted = new ArrayList<>(records.size());
        for (Exchange record : records) {
            String accountedPartner = IntakeAccounting.UNKNOWN_PARTNER;
            // What is logged about this record (its submission, a refusal, a dead letter) names the landlord's event.
            try (ReferralLogContext.Scope ids = ReferralLogContext.forRecord(record)) {
                try {
                    Partner partner = partnerOf(record);
                    accountedPartner = partner.id();
                    ids.partnerEvent(partner.id(), null);
                    // Refused unread over the catalogue's limit: dead-lettered as a digest, never parsed.
                    OversizedRecordException.check(record, TopicCatalog.INTAKE_MAX_RECORD_BYTES);
                    PartnerEvent event = reader.read(record.getMessage().getBody(byte[].class), partner);
                    ids.partnerEvent(event.partnerId(), event.partnerEventId());
                    submitted.add(new InBatch(record, accountedPartner, event.partnerEventId(), intake.submit(event)));
                } catch (RuntimeException e) {
                    refuse(record, accountedPartner, e, batch, tally);
                }
            }
        }
        for (InBatch each : submitted) {
            try (ReferralLogContext.Scope ids = ReferralLogContext.forRecord(each.record())) {
                ids.partnerEvent(each.partnerId(), each.partnerEventId());
                try {
                    intake.settle(each.pending(), each.record());
                    tally.note(each.partnerId(), each.record().getProperty(ReferralIntake.DUPLICATE, false, Boolean.class)
                            ? IntakeAccounting.Outcome.DUPLICATE : IntakeAccounting.Outcome.PUBLISHED);
                } catch (RuntimeException e) {
                    refuse(each.record(), each.partnerId(), e, batch, tally);
                }
            }
        }
    }

    /** Dead-letters a record that can never be used; rethrows an outage, so the batch is consumed again, intact. */
    private void refuse(Exchange record, String partnerId, RuntimeException failure, Exchange batch,
                        IntakeAccounting.Tally tally) {
        if (failure instanceof InvalidPartnerEventException refused) {
            record.getMessage().setHeader(DeadLetters.REASONS, refused.errors().stream()
                    .map(e -> e.field() + " " + e.reason()).collect(Collectors.joining("; ")));
        } else if (Outages.isTransient(failure)) {
            throw failure;
        }
        deadLetters.send(record, batch.getFromRouteId(), failure);
        tally.note(partnerId, IntakeAccounting.Outcome.REJECTED);
    }

    /**
     * Route step of {@code replay-social-landlord-record}: one record of a dead letter, read and published exactly as
     * in a batch (same ids, same de-duplication). A refusal is thrown to the operator, not dead-lettered again.
     */
    public void prepareOne(Exchange record) {
        intake.prepare(read(record), record);
    }

    private PartnerEvent read(Exchange record) {
        return reader.read(record.getMessage().getBody(byte[].class), partnerOf(record));
    }

    private Partner partnerOf(Exchange record) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Optional<Partner> partner = Optional.ofNullable(topic).filter(t -> t.startsWith(TOPIC_PREFIX))
                .flatMap(t -> partners.find(t.substring(TOPIC_PREFIX.length())))
                .filter(SocialLandlordIntake::isKafkaXmlLandlord);
        return partner.orElseThrow(() -> new InvalidPartnerEventException(Kind.INVALID, List.of(new FieldError("(topic)",
                "is not the intake topic of an enabled social landlord (expected intake.<partnerId> of a partner of kind "
                        + "SOCIAL_LANDLORD, channel KAFKA_XML, format " + SocialLandlordXmlReader.FORMAT + ")"))));
    }
}
