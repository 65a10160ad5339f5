package fr.referralhub.status;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.provenance.UntrustedRecordException;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.StatusMachine;
import fr.referralhub.topics.RecordHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/status-feedback.camel.yaml}: the referrer learns every accepted status change
 * (STATUS_CHANGED: the service, the status, the reason code and its French text; EXPIRED when the hub expired the
 * referral at a service because nobody acted in time) on its topic {@code feedback.<partnerId>}, keyed by referral id
 * (its DECISION feedback is routed by the referral state, counselling.DecisionFeedback). A feedback's id derives from what it answers, so a batch consumed again sends the same ids (referrers
 * de-duplicate on feedbackId).
 */
@Component("statusFeedback")
public class StatusFeedback {

    /** The route's id (routes/status-feedback.camel.yaml): its dead letters' and refused records' name. */
    static final String ROUTE = "status-feedback";
    private static final Logger log = LoggerFactory.getLogger(StatusFeedback.class);

    private final CounsellingTopics topics;
    private final DeadLetters deadLetters;
    /** Only a change the hub published is told to a referrer (fr.referralhub.provenance). */
    private final RecordProvenance provenance;
    private final AvroDeserializer deserializer;
    private final Clock clock = Clock.systemUTC();

    public StatusFeedback(CounsellingTopics topics, DeadLetters deadLetters,
                          SchemaRegistryProperties registry, RecordProvenance provenance) {
        this.provenance = provenance;
        provenance.expect(ROUTE);
        this.topics = topics;
        this.deadLetters = deadLetters;
        this.deserializer = registry.specificDeserializer();
    }

    /** @return one STATUS_CHANGED (EXPIRED for the hub's expiry) feedback per status change whose referrer is known */
    public List<Exchange> statusChangesBatch(List<Exchange> records, Exchange batch) {
        List<Exchange> outputs = new ArrayList<>();
        for (Exchange record : records) {
            Optional<String> refusal = provenance.check(batch.getFromRouteId(), record.getMessage());
            if (refusal.isPresent()) {
                deadLetters.send(record, batch.getFromRouteId(), new UntrustedRecordException(refusal.get()));
                continue;
            }
            try {
                // Every change on the topic is in force: the referral state publishes a change once, after judging it.
                ReferralStatusChange change = decode(record, ReferralStatusChange.class);
                if (change.getReferrerPartnerId() == null) {
                    log.warn("Status change {} of referral {}: no referrer known, nobody to tell", change.getChangeId(),
                            change.getReferralId());
                    continue;
                }
                // The hub's own EXPIRED (nobody acted in time) is news of its own kind, not a service's decision.
                FeedbackKind kind = change.getStatus() == ReferralStatus.EXPIRED
                        && StatusMachine.HUB_CHANNEL.equals(change.getChannel())
                        ? FeedbackKind.EXPIRED : FeedbackKind.STATUS_CHANGED;
                ReferralFeedback feedback = ReferralFeedback.newBuilder()
                        .setFeedbackId(feedbackId(change.getChangeId(), kind))
                        .setReferralId(change.getReferralId())
                        .setPartnerEventId(change.getReferrerPartnerEventId() == null ? ""
                                : change.getReferrerPartnerEventId())
                        .setEventId(change.getChangeId())
                        .setKind(kind)
                        .setServiceId(change.getServiceId())
                        .setStatus(change.getStatus().name())
                        .setReasonCode(change.getReasonCode())
                        .setReasonText(StatusReasons.text(change.getStatus(), change.getReasonCode()).orElse(null))
                        .setOccurredAt(change.getRecordedAt())
                        .build();
                outputs.add(output(batch, change.getReferrerPartnerId(), change.getReferrerPartnerEventId(), feedback));
            } catch (RuntimeException e) {
                deadLetterOrRethrow(record, batch, e);
            }
        }
        return outputs;
    }

    private void deadLetterOrRethrow(Exchange record, Exchange batch, RuntimeException e) {
        if (Outages.isTransient(e)) {
            throw e;
        }
        deadLetters.send(record, batch.getFromRouteId(), e);
    }

    private <T> T decode(Exchange record, Class<T> type) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        Object decoded = deserializer.deserialize(topic, record.getMessage().getBody(byte[].class));
        if (!type.isInstance(decoded)) {
            throw new IllegalArgumentException("Expected a " + type.getSimpleName() + " on " + topic + ", got "
                    + (decoded == null ? "an empty record" : decoded.getClass().getName()));
        }
        return type.cast(decoded);
    }

    private Exchange output(Exchange batch, String partnerId, String partnerEventId, ReferralFeedback feedback) {
        Exchange out = new DefaultExchange(batch.getContext());
        Message message = out.getMessage();
        message.setBody(feedback);
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topics.feedbackTopic(partnerId));
        message.setHeader(KafkaConstants.KEY, feedback.getReferralId());
        message.setHeader(RecordHeaders.REFERRAL_ID, feedback.getReferralId());
        message.setHeader(RecordHeaders.PARTNER_ID, partnerId);
        if (partnerEventId != null) {
            message.setHeader(RecordHeaders.PARTNER_EVENT_ID, partnerEventId);
        }
        return out;
    }

    private static String feedbackId(String answered, FeedbackKind kind) {
        return UUID.nameUUIDFromBytes(("feedback:" + answered + ":" + kind).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String header(Exchange record, String name) {
        Object value = record.getMessage().getHeader(name);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
