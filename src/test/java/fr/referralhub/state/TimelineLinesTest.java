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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What a referral's timeline keeps of each record, in which order, and that nothing is kept twice. */
class TimelineLinesTest {

    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    private final KeyValueStore<String, byte[]> store = inMemoryStore();

    private List<TimelineEntry> add(GenericRecord... records) {
        for (GenericRecord record : records) {
            TimelineStore.add(store, "r-1", record.getSchema().getName().equals("ReferralEvent")
                    ? TimelineLines.ofEvent(record) : TimelineLines.ofFeedback(record));
        }
        return TimelineStore.lines(store, "r-1", List.of());
    }

    private static KeyValueStore<String, byte[]> inMemoryStore() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("timeline"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
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
    void shouldAnswerAtMostTheCapOfLinesOldestFirst() {
        for (int i = 0; i < TimelineStore.MAX_LINES + 10; i++) {
            TimelineStore.add(store, "r-1", TimelineLines.ofFeedback(feedback("f-" + i, FeedbackKind.REMINDER,
                    "adil-93", null, T0.plusSeconds(i))));
        }
        List<TimelineEntry> lines = TimelineStore.lines(store, "r-1", List.of());
        assertThat(lines).hasSize(TimelineStore.MAX_LINES);
        assertThat(lines.get(0).atMillis()).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void shouldKeepEachReferralsLinesApartAndForgetThemWithIt() {
        TimelineStore.add(store, "r-1", TimelineLines.ofEvent(event("e-1", "CREATED", "FT-1", null, T0)));
        TimelineStore.add(store, "r-10", TimelineLines.ofEvent(event("e-2", "CREATED", "FT-2", null, T0)));

        assertThat(TimelineStore.lines(store, "r-1", List.of())).extracting(TimelineEntry::partnerEventId)
                .as("r-10 starts like r-1 but is another referral").containsExactly("FT-1");
        TimelineStore.forget(store, "r-1");
        assertThat(TimelineStore.lines(store, "r-1", List.of())).isEmpty();
        assertThat(TimelineStore.lines(store, "r-10", List.of())).hasSize(1);
    }

    @Test
    void shouldShowTheLinesAnEarlierVersionKeptInTheEntryOnceBesideTheNewOnes() {
        TimelineEntry created = TimelineLines.ofEvent(event("e-1", "CREATED", "FT-1", null, T0));
        TimelineEntry delivered = TimelineLines.ofFeedback(feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null,
                T0.plusSeconds(10)));
        TimelineStore.add(store, "r-1", delivered);
        TimelineStore.add(store, "r-1", TimelineLines.ofFeedback(feedback("f-2", FeedbackKind.STATUS_CHANGED,
                "adil-93", "ACCEPTED", T0.plusSeconds(20))));

        assertThat(TimelineStore.lines(store, "r-1", List.of(created, delivered))).extracting(TimelineEntry::what)
                .containsExactly("CREATED", "DELIVERED", "STATUS_CHANGED");
    }

    @Test
    void shouldOrderLinesOfTheSameMillisecondTheSameWayEverywhere() {
        add(feedback("f-1", FeedbackKind.DELIVERED, "adil-93", null, T0),
                event("e-1", "CREATED", "FT-1", null, T0),
                feedback("f-0", FeedbackKind.DECISION, null, null, T0));
        assertThat(TimelineStore.lines(store, "r-1", List.of())).extracting(TimelineEntry::what)
                .as("the referrer's event, then its decision, then its delivery")
                .containsExactly("CREATED", "DECISION", "DELIVERED");
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
