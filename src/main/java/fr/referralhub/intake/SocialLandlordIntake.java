package fr.referralhub.intake;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.logging.ReferralLogContext;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/social-landlord-intake.camel.yaml}: a batch of records from the landlords' intake
 * topics ({@value #TOPIC_PREFIX}&lt;partnerId&gt;) goes through the same intake as an HTTP event (ids, pseudonym,
 * de-duplication by (partner, identifiant)).
 *
 * <p>{@link #prepareBatch} reads and prepares each record on its own ({@link ReferralIntake#prepare} with the
 * record's own exchange, whose body becomes the canonical record); a record that can never be read (not XML, DTD,
 * invalid, not this landlord's structure, topic of no landlord, unknown referral) is dead-lettered, encrypted, with
 * its reasons, and the others go on. The route then sends the prepared records in one batch and
 * {@link #confirmBatch} records them as published. The records' de-duplication claims are handed over to the batch
 * exchange, so they are given back when the batch ends, whatever happened: a failed batch is consumed again and
 * processed anew; a published one is then a duplicate.
 */
@Component("socialLandlordIntake")
public class SocialLandlordIntake {

    public static final String TOPIC_PREFIX = "intake.";
    /** Exchange property of the batch: the records sent in it, to confirm once the broker acknowledged them. */
    static final String PREPARED = "hubSocialLandlordPrepared";

    private final PartnerRegistry partners;
    private final SocialLandlordXmlReader reader;
    private final ReferralIntake intake;
    private final DeadLetters deadLetters;
    private final IntakeAccounting accounting;
    private final ProducerTemplate producer;
    private final String referralsTopic;

    public SocialLandlordIntake(PartnerRegistry partners, SocialLandlordXmlReader reader, ReferralIntake intake,
                                DeadLetters deadLetters, IntakeAccounting accounting, ProducerTemplate producer,
                                @Value("${hub.topics.referrals}") String referralsTopic) {
        this.partners = partners;
        this.reader = reader;
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.accounting = accounting;
        this.producer = producer;
        this.referralsTopic = referralsTopic;
    }

    /** Partners whose documents this route takes: enabled social landlords sending XML on Kafka. */
    public static boolean isKafkaXmlLandlord(Partner partner) {
        return partner.enabled() && partner.kind() == PartnerKind.SOCIAL_LANDLORD
                && partner.channel() == IntakeChannel.KAFKA_XML && SocialLandlordXmlReader.FORMAT.equals(partner.format());
    }

    /** @return the records to publish, each body now its canonical record (duplicates and refusals left out) */
    public List<Exchange> prepareBatch(List<Exchange> records, Exchange batch) {
        List<Exchange> prepared = new ArrayList<>(records.size());
        // Partner event ids taken in this batch: a second copy in the same batch is a duplicate (the ledger only
        // knows it once the first is confirmed, and would wait for our own claim).
        Set<String> inBatch = new HashSet<>();
        // Each record's fate is counted once the batch is committed; a failed batch is consumed again and counted then.
        IntakeAccounting.Tally tally = accounting.openTally(batch, IntakeChannel.KAFKA_XML);
        for (Exchange record : records) {
            String accountedPartner = IntakeAccounting.UNKNOWN_PARTNER;
            // What is logged about this record (its publication, a refusal, a dead letter) names the landlord's event.
            try (ReferralLogContext.Scope ids = ReferralLogContext.forRecord(record)) {
                try {
                    Partner partner = partnerOf(record);
                    accountedPartner = partner.id();
                    ids.partnerEvent(partner.id(), null);
                    PartnerEvent event = reader.read(record.getMessage().getBody(byte[].class), partner);
                    ids.partnerEvent(event.partnerId(), event.partnerEventId());
                    String key = event.partnerId() + '\n' + event.partnerEventId();
                    if (!inBatch.add(key)) {
                        tally.note(accountedPartner, IntakeAccounting.Outcome.DUPLICATE);
                        continue;
                    }
                    String origin = event.draft().getSource().getOriginPartnerEventId();
                    if (event.draft().getEventType() != ReferralEventType.CREATED && origin != null
                            && inBatch.contains(event.partnerId() + '\n' + origin)) {
                        // Its creation is in this batch and not yet acknowledged: publish what is prepared first, so the
                        // update finds its referral (and comes after it).
                        publish(prepared, batch);
                        prepared.clear();
                    }
                    // Foreign headers of the landlord's record must not travel to the canonical topic; the consumer's own
                    // (kafka.*: topic, partition, offset; the manual commit) stay for the commit step.
                    record.getMessage().removeHeaders("*", "kafka.*", KafkaConstants.MANUAL_COMMIT);
                    intake.prepare(event, record);
                    record.getExchangeExtension().handoverCompletions(batch);
                    if (record.getProperty(ReferralIntake.DUPLICATE, false, Boolean.class)) {
                        tally.note(accountedPartner, IntakeAccounting.Outcome.DUPLICATE);
                    } else {
                        prepared.add(record);
                        // Counted only if the batch completes, i.e. once the record is acknowledged and committed.
                        tally.note(accountedPartner, IntakeAccounting.Outcome.PUBLISHED);
                    }
                } catch (InvalidPartnerEventException refused) {
                    record.getMessage().setHeader(DeadLetters.REASONS, refused.errors().stream()
                            .map(e -> e.field() + " " + e.reason()).collect(Collectors.joining("; ")));
                    deadLetters.send(record, batch.getFromRouteId(), refused);
                    tally.note(accountedPartner, IntakeAccounting.Outcome.REJECTED);
                } catch (RuntimeException e) {
                    if (Outages.isTransient(e)) {
                        // Broker or registry briefly unreachable: fail the batch so it is consumed again, intact.
                        throw e;
                    }
                    deadLetters.send(record, batch.getFromRouteId(), e);
                    tally.note(accountedPartner, IntakeAccounting.Outcome.REJECTED);
                }
            }
        }
        batch.setProperty(PREPARED, List.copyOf(prepared));
        return prepared;
    }

    /**
     * Route step of {@code replay-social-landlord-record}: one record of a dead letter, read and prepared exactly as
     * in a batch (same ids, same de-duplication). A refusal is thrown to the operator, not dead-lettered again.
     */
    public void prepareOne(Exchange record) {
        intake.prepare(read(record), record);
    }

    private PartnerEvent read(Exchange record) {
        return reader.read(record.getMessage().getBody(byte[].class), partnerOf(record));
    }

    /** Route step after the batch send was acknowledged: its records are now published (later copies: duplicates). */
    @SuppressWarnings("unchecked")
    public void confirmBatch(Exchange batch) {
        List<Exchange> sent = batch.getProperty(PREPARED, List.class);
        if (sent != null) {
            sent.forEach(intake::confirm);
        }
    }

    /** Sends records now, waiting for the acknowledgement, and confirms them (used mid-batch, see above). */
    private void publish(List<Exchange> records, Exchange batch) {
        if (records.isEmpty()) {
            return;
        }
        List<Exchange> toSend = List.copyOf(records);
        Exchange sent = producer.send("kafka:" + referralsTopic + "?batchWithIndividualHeaders=true",
                exchange -> exchange.getMessage().setBody(toSend));
        if (sent.getException() != null) {
            throw new IllegalStateException("Could not publish the batch's first records; the batch will be consumed again",
                    sent.getException());
        }
        toSend.forEach(intake::confirm);
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
