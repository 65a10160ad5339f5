package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.SourceReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** What a referral's timeline keeps of each record, in which order, and that nothing is kept twice. */
class TimelineLinesTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    private LedgerEntry entry = LedgerEntry.created("france-travail-93", "FT-1", "person-1", "NIR", null,
            T0.toEpochMilli());

    private List<TimelineEntry> add(GenericRecord... records) {
        for (GenericRecord record : records) {
            entry = entry.withLine(record.getSchema().getName().equals("ReferralEvent") ? TimelineLines.ofEvent(record)
                    : TimelineLines.ofFeedback(record));
        }
        return LedgerEntry.fromJson(entry.toJson()).history();
    }

    @Test
    void shouldKeepOnlyWhatATimelineAnswersInTimeOrder() {
        var history = add(feedback("f-2", FeedbackKind.STATUS_CHANGED, "adil-93", "ACCEPTED", T0.plusSeconds(20)),
                event("e-1", "CREATED", "FT-1", null, T0),
                event("e-2", "CANCELLED", "FT-2", "DOUBLON", T0.plusSeconds(30)),
                feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)));

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
    }

    @Test
    void shouldAddNoSecondLineForARecordReadAgain() {
        assertThat(add(event("e-1", "CREATED", "FT-1", null, T0),
                feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)),
                feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0.plusSeconds(10)),
                event("e-1", "CREATED", "FT-1", null, T0))).hasSize(2);
    }

    @Test
    void shouldStopAddingLinesPastTheCapOfOneReferral() {
        for (int i = 0; i < LedgerEntry.MAX_HISTORY + 10; i++) {
            entry = entry.withLine(TimelineLines.ofFeedback(feedback("f-" + i, FeedbackKind.REMINDER, "adil-93", null,
                    T0.plusSeconds(i))));
        }
        assertThat(entry.history()).hasSize(LedgerEntry.MAX_HISTORY);
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

        assertThat(add(escalated)).singleElement().satisfies(line -> {
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
