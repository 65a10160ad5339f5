package fr.referralhub.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.SourceReference;
import fr.referralhub.topics.HubTopicProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** What the store keeps of each record, in which order, and that nothing is kept twice. */
class ReferralTimelinesTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    private final ReferralTimelines store = new ReferralTimelines("unused:9092", "http://unused",
            new HubTopicProperties("referrals.v1", "unused", "unused", 1, (short) 1), null, null);

    @Test
    void shouldKeepOnlyWhatATimelineAnswersInTimeOrder() {
        store.applyFeedback(feedback("f-2", FeedbackKind.STATUS_CHANGED, "adil-93", "ACCEPTED", T0.plusSeconds(20)));
        store.applyReferralEvent(event("e-1", "CREATED", "FT-1", null, T0));
        store.applyReferralEvent(event("e-2", "CANCELLED", "FT-2", "DOUBLON", T0.plusSeconds(30)));
        store.applyFeedback(feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)));

        var history = store.historyOf("r-1");

        assertThat(history).extracting(TimelineEntry::what)
                .containsExactly("CREATED", "DELIVERED", "STATUS_CHANGED", "CANCELLED");
        TimelineEntry created = history.get(0);
        assertThat(created.partnerId()).isEqualTo("france-travail-93");
        assertThat(created.partnerEventId()).isEqualTo("FT-1");
        assertThat(created.atMillis()).as("when the hub received it").isEqualTo(T0.toEpochMilli());
        assertThat(created.partnerMillis()).as("when the partner says").isEqualTo(T0.minusSeconds(3600).toEpochMilli());
        assertThat(history.get(2).status()).isEqualTo("ACCEPTED");
        assertThat(history.get(2).reasonText()).isEqualTo("Acceptée par le service.");
        assertThat(history.get(3).reasonCode()).isEqualTo("DOUBLON");
        assertThat(store.historyOf("another")).isEmpty();
    }

    @Test
    void shouldAddNoSecondLineForARecordReadAgain() {
        store.applyReferralEvent(event("e-1", "CREATED", "FT-1", null, T0));
        store.applyFeedback(feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)));
        store.applyFeedback(feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)));
        store.applyReferralEvent(event("e-1", "CREATED", "FT-1", null, T0));

        assertThat(store.historyOf("r-1")).hasSize(2);
    }

    @Test
    void shouldShareTheStringsOfClosedListsBetweenLines() {
        store.applyFeedback(feedback("f-1", FeedbackKind.STATUS_CHANGED, "adil-93", "ACCEPTED", T0));
        ReferralFeedback other = feedback("f-2", FeedbackKind.STATUS_CHANGED, "adil-93", "ACCEPTED", T0);
        other.setReferralId("r-2");
        store.applyFeedback(other);

        TimelineEntry first = store.historyOf("r-1").get(0);
        TimelineEntry second = store.historyOf("r-2").get(0);
        assertThat(second.reasonText()).isSameAs(first.reasonText());
        assertThat(second.serviceId()).isSameAs(first.serviceId());
    }

    @Test
    void shouldKeepAFeedbackKindThisBuildDoesNotKnowUnderItsOwnName() {
        // What a later hub writes: the same record with one more kind (read with the writer's schema).
        Schema later = new Schema.Parser().parse(ReferralFeedback.getClassSchema().toString()
                .replaceFirst("(\"symbols\":\\[[^\\]]*)\\]", "$1,\"ESCALATED\"]"));
        assertThat(later.getField("kind").schema().getEnumSymbols()).contains("ESCALATED");
        GenericRecord escalated = new GenericData.Record(later);
        escalated.put("feedbackId", "f-9");
        escalated.put("referralId", "r-1");
        escalated.put("partnerEventId", "FT-1");
        escalated.put("eventId", "e-1");
        escalated.put("kind", new GenericData.EnumSymbol(later.getField("kind").schema(), "ESCALATED"));
        escalated.put("serviceId", "adil-93");
        escalated.put("occurredAt", T0.toEpochMilli());

        store.applyFeedback(escalated);

        assertThat(store.historyOf("r-1")).singleElement().satisfies(line -> {
            assertThat(line.what()).isEqualTo("ESCALATED");
            assertThat(line.serviceId()).isEqualTo("adil-93");
            assertThat(line.atMillis()).isEqualTo(T0.toEpochMilli());
        });
    }

    private static GenericRecord event(String eventId, String type, String partnerEventId, String reason, Instant at) {
        // Only the fields the store reads: the person's data is none of them.
        GenericRecord source = new GenericData.Record(SourceReference.getClassSchema());
        source.put("partnerId", "france-travail-93");
        source.put("partnerEventId", partnerEventId);
        GenericRecord event = new GenericData.Record(ReferralEvent.getClassSchema());
        event.put("eventId", eventId);
        event.put("eventType", new GenericData.EnumSymbol(ReferralEvent.getClassSchema().getField("eventType").schema(), type));
        event.put("referralId", "r-1");
        event.put("receivedAt", at.toEpochMilli());
        event.put("occurredAt", T0.minusSeconds(3600).toEpochMilli());
        event.put("source", source);
        event.put("cancellationReason", reason);
        return event;
    }

    private static ReferralFeedback feedback(String id, FeedbackKind kind, String serviceId, String status, Instant at) {
        return ReferralFeedback.newBuilder().setFeedbackId(id).setReferralId("r-1").setPartnerEventId("FT-1")
                .setEventId("e-1").setKind(kind).setServiceId(serviceId).setStatus(status)
                .setReasonText(status == null ? null : "Acceptée par le service.").setOccurredAt(at).build();
    }
}
