package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import fr.referralhub.avro.CounsellingNotice;
import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.state.LedgerDecision.Outcome;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The referral ledger's decisions, one submission at a time, on Kafka Streams' test driver (the same topology and
 * store as in the hub; the multi-instance guarantees are proved on a real broker by ReferralLedgerScaleOutTest).
 */
class ReferralLedgerTopologyTest {

    private static final String HASH_A = "fp1:aaaa";
    private static final String HASH_B = "fp1:bbbb";
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-02T09:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    /** Every new referral goes to two services: adil-93 and cllaj-lyon (one subscription each). */
    private static final ReferralDistribution TWO_SERVICES = (event, decision, before, at) -> {
        if (!before.sentTo().isEmpty()) {
            return new ReferralDistribution.Routed(before, List.of());
        }
        ReferralRouting routing = before.sentAlsoTo("adil-93-logement", "adil-93", at)
                .sentAlsoTo("cllaj-lyon-jeunes", "cllaj-lyon", at);
        return new ReferralDistribution.Routed(routing, List.of(
                counsellingRecord(before.referralId(), "adil-93", null, at),
                counsellingRecord(before.referralId(), "cllaj-lyon", null, at)));
    };
    /** Dora's delays, checked every minute of wall-clock time. */
    private final ExpiryPolicy tenThenThirtyDays = new ExpiryPolicy() {
        @Override
        public Delays delays() {
            return new Delays(true, Duration.ofDays(10), Duration.ofDays(30), Duration.ofMinutes(1));
        }

        @Override
        public List<OutboundRecord> reminder(ReferralRouting routing, ReferralSummary referral, Set<String> services,
                                             Instant at) {
            return services.stream().map(service -> counsellingRecord(routing.referralId(), service,
                    CounsellingNotice.REMINDER, at)).toList();
        }

        @Override
        public List<OutboundRecord> expiryNotices(ReferralRouting routing, Set<String> services, Instant at) {
            return services.stream().map(service -> counsellingRecord(routing.referralId(), service,
                    CounsellingNotice.EXPIRED, at)).toList();
        }
    };
    /** Timeline lines from the tests' plain records: "event <partner event id>", "<KIND> <feedback id>". */
    private final TimelineReader plainLines = new TimelineReader() {
        @Override
        public TimelineEntry event(byte[] publishedEvent) {
            String eventId = new String(publishedEvent, StandardCharsets.UTF_8).split("[ |]")[1];
            return new TimelineEntry(TimelineEntry.idHash(eventId), clock.millis(), "EVENT", "france-travail-93",
                    eventId, 0, null, null, null, null);
        }

        @Override
        public TimelineEntry feedback(String topic, byte[] feedback) {
            String[] kindAndId = new String(feedback, StandardCharsets.UTF_8).split(" ");
            return new TimelineEntry(TimelineEntry.idHash(kindAndId[1]), clock.millis(), kindAndId[0], null, null, 0,
                    "adil-93", null, null, topic);
        }
    };
    private TopologyTestDriver driver;
    private final Map<String, TestOutputTopic<String, byte[]>> services = new LinkedHashMap<>();
    private TestInputTopic<String, byte[]> submissions;
    private TestOutputTopic<String, byte[]> referrals;
    private TestOutputTopic<String, byte[]> decisions;
    private TestOutputTopic<String, byte[]> statusChanges;

    /** Status changes in Avro's single-object encoding: the registry's wire format is the serdes' own, tested apart. */
    private static final StatusChangeCodec PLAIN_AVRO = new StatusChangeCodec() {
        @Override
        public ReferralStatusChange read(byte[] bytes) {
            try {
                return ReferralStatusChange.fromByteBuffer(java.nio.ByteBuffer.wrap(bytes));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public byte[] write(ReferralStatusChange change) {
            try {
                java.nio.ByteBuffer buffer = change.toByteBuffer();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    @BeforeEach
    void driver() {
        // An update's person reference is written by the ledger: here as a readable suffix instead of Avro.
        PersonReferenceWriter writer = (bytes, person, basis) ->
                (new String(bytes, StandardCharsets.UTF_8) + "|person=" + person).getBytes(StandardCharsets.UTF_8);
        start(parts(writer));
    }

    /** The topology on a new test driver with these parts (closing the one before), and the tests' topics on it. */
    private void start(ReferralStateTopology.Parts parts) {
        if (driver != null) {
            driver.close();
        }
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "ledger-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(ReferralStateTopology.build(
                new ReferralStateTopology.Topics("submissions", "referrals", "decisions", "status-changes", "feedback.",
                        "eligibility-decisions", "person-aid-history"),
                parts), config, Instant.parse("2026-11-02T09:00:00Z"));
        for (String service : List.of("adil-93", "cllaj-lyon")) {
            services.put(service, driver.createOutputTopic("counselling." + service, new StringDeserializer(),
                    new ByteArrayDeserializer()));
        }
        statusChanges = driver.createOutputTopic("status-changes", new StringDeserializer(), new ByteArrayDeserializer());
        submissions = driver.createInputTopic("submissions", new StringSerializer(), new ByteArraySerializer());
        referrals = driver.createOutputTopic("referrals", new StringDeserializer(), new ByteArrayDeserializer());
        decisions = driver.createOutputTopic("decisions", new StringDeserializer(), new ByteArrayDeserializer());
    }

    private ReferralStateTopology.Parts parts(PersonReferenceWriter writer) {
        return parts(writer, TWO_SERVICES);
    }

    private ReferralStateTopology.Parts parts(PersonReferenceWriter writer, ReferralDistribution distribution) {
        return new ReferralStateTopology.Parts(clock, Duration.ofDays(730), Duration.ofHours(1), writer, PLAIN_AVRO,
                distribution, tenThenThirtyDays, ReferralLedgerTopologyTest::plainRecord,
                () -> { }, plainLines, bytes -> new ReferralEvent(), EligibilityDecider.NONE,
                (topic, key, original, headers, step, cause) -> {
                    throw new AssertionError("nothing is dead-lettered here", cause);
                }, RecordCheck.ANY);
    }

    /** Outbound records as the tests read them: a feedback as its plain line ("KIND id"), the others as text. */
    private static byte[] plainRecord(String topic, Object value) {
        String text = value instanceof ReferralFeedback feedback ? feedback.getKind() + " " + feedback.getFeedbackId()
                : value.toString();
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A counselling record (a notice when {@code notice} is set) for a service, as the tests' distribution writes it. */
    private static OutboundRecord counsellingRecord(String referralId, String service, CounsellingNotice notice,
                                                    Instant at) {
        CounsellingReferral record = CounsellingReferral.newBuilder().setDeliveryId(referralId + "@" + service)
                .setSubscriptionId(service).setReferralId(referralId).setEventId("e").setOccurredAt(at)
                .setEventType(ReferralEventType.UPDATED).setProfile(List.of()).setNotice(notice).build();
        return new OutboundRecord("counselling." + service, referralId, record,
                Map.of(RecordHeaders.REFERRAL_ID, referralId));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldPublishANewCreationOnceUnderItsPersonReferenceWithTracingHeadersOnly() {
        submit("referral-1", "CREATED", "EVT-1", HASH_A, "person-1", "instance-a", "q1");

        TestRecord<String, byte[]> published = referrals.readRecord();
        assertThat(published.key()).isEqualTo("person-1");
        assertThat(new String(published.value(), StandardCharsets.UTF_8)).isEqualTo("event EVT-1");
        assertThat(header(published.headers(), RecordHeaders.REFERRAL_ID)).isEqualTo("referral-1");
        assertThat(header(published.headers(), RecordHeaders.PARTNER_EVENT_ID)).isEqualTo("EVT-1");
        assertThat(header(published.headers(), RecordHeaders.PERSON_REFERENCE_BASIS)).isEqualTo("NIR");
        assertThat(published.headers().lastHeader(SubmissionHeaders.REPLY_TO)).isNull();
        assertThat(published.headers().lastHeader(SubmissionHeaders.CORRELATION_ID)).isNull();
        assertThat(referrals.isEmpty()).isTrue();

        TestRecord<String, byte[]> answer = decisions.readRecord();
        assertThat(answer.key()).as("the asking instance").isEqualTo("instance-a");
        assertThat(LedgerDecision.fromJson(answer.value()))
                .isEqualTo(new LedgerDecision("q1", "referral-1", Outcome.ACCEPTED, null));
    }

    @Test
    void shouldAnswerTheSameReferralToASecondInstanceSendingTheSameEventAndPublishNothingMore() {
        submit("referral-1", "CREATED", "EVT-1", HASH_A, "person-1", "instance-a", "q1");
        submit("referral-1", "CREATED", "EVT-1", HASH_A, "person-1", "instance-b", "q2");

        assertThat(referrals.readRecordsToList()).hasSize(1);
        List<TestRecord<String, byte[]>> answers = decisions.readRecordsToList();
        assertThat(answers).extracting(TestRecord::key).containsExactly("instance-a", "instance-b");
        assertThat(LedgerDecision.fromJson(answers.get(1).value()))
                .isEqualTo(new LedgerDecision("q2", "referral-1", Outcome.DUPLICATE, null));
    }

    @Test
    void shouldRefuseAnEventIdSentAgainWithOtherContent() {
        submit("referral-1", "CREATED", "EVT-1", HASH_A, "person-1", "instance-a", "q1");
        submit("referral-1", "CREATED", "EVT-1", HASH_B, "person-1", "instance-a", "q2");

        assertThat(referrals.readRecordsToList()).hasSize(1);
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.CONFLICT);
    }

    @Test
    void shouldTakeAHashOfAnotherSchemaVersionAsAReSend() {
        submit("referral-1", "CREATED", "EVT-1", HASH_A, "person-1", "instance-a", "q1");
        submit("referral-1", "CREATED", "EVT-1", "fp2:cccc", "person-1", "instance-a", "q2");

        assertThat(lastDecision().outcome()).isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void shouldGiveAnUpdateItsCreationsPersonReferenceAndRefuseUpdatesOfUnknownOrCancelledReferrals() {
        submit("referral-2", "UPDATED", "EVT-U0", HASH_A, null, "instance-a", "q0");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNKNOWN_REFERRAL);
        assertThat(referrals.isEmpty()).isTrue();

        submit("referral-2", "CREATED", "EVT-C", HASH_A, "person-2", "instance-a", "q1");
        submit("referral-2", "UPDATED", "EVT-U1", HASH_A, null, "instance-b", "q2");
        List<TestRecord<String, byte[]>> published = referrals.readRecordsToList();
        assertThat(published).extracting(TestRecord::key).containsExactly("person-2", "person-2");
        assertThat(new String(published.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("event EVT-U1|person=person-2");

        submit("referral-2", "CANCELLED", "EVT-X", HASH_A, null, "instance-a", "q3");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.ACCEPTED);
        // The cancellation sent again is a re-send, not a refusal; a new update after it is refused.
        submit("referral-2", "CANCELLED", "EVT-X", HASH_A, null, "instance-a", "q4");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.DUPLICATE);
        submit("referral-2", "UPDATED", "EVT-U2", HASH_A, null, "instance-a", "q5");
        LedgerDecision refused = lastDecision();
        assertThat(refused.outcome()).isEqualTo(Outcome.CANCELLED_REFERRAL);
        assertThat(refused.reason()).contains("EVT-C").contains("cancelled");
        assertThat(referrals.readRecordsToList()).hasSize(1);
    }

    @Test
    void shouldAnswerUnreadableToASubmissionMissingHeadersAndGoOn() {
        submissions.pipeInput(new TestRecord<>("referral-3", "event ?".getBytes(StandardCharsets.UTF_8),
                headers(null, null, null, null, null, "instance-a", "q1")));
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNREADABLE);

        submit("referral-3", "CREATED", "EVT-3", HASH_A, "person-3", "instance-a", "q2");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void shouldForgetAReferralInactiveFor730Days() {
        submit("referral-4", "CREATED", "EVT-4", HASH_A, "person-4", "instance-a", "q1");
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.LEDGER_STORE).get("referral-4")).isNotNull();
        // Its last activity: nobody acted, so it expired 30 days after its delivery.
        now.set(now.get().plus(Duration.ofDays(30)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(statusChanges.readRecordsToList()).hasSize(2);

        now.set(now.get().plus(Duration.ofDays(729)));
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.LEDGER_STORE).get("referral-4")).isNotNull();

        assertThat(TimelineStore.lines(driver.getKeyValueStore(ReferralStateTopology.TIMELINE_STORE), "referral-4",
                List.of())).as("its timeline, before it is forgotten").isNotEmpty();
        now.set(now.get().plus(Duration.ofDays(2)));
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.LEDGER_STORE).get("referral-4")).isNull();
        assertThat(TimelineStore.lines(driver.getKeyValueStore(ReferralStateTopology.TIMELINE_STORE), "referral-4",
                List.of())).as("its timeline is forgotten with it").isEmpty();
        submit("referral-4", "UPDATED", "EVT-4U", HASH_A, null, "instance-a", "q2");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNKNOWN_REFERRAL);
    }

    @Test
    void shouldJudgeStatusReportsInOrderAgainstTheLifeCycleAndAnswerAReSendTheSame() {
        submit("referral-5", "CREATED", "EVT-5", HASH_A, "person-5", "instance-a", "q0");
        lastDecision();

        reportStatus("referral-5", "adil-93", "s1", ReferralStatus.ACCEPTED, null, false, "q1");
        LedgerDecision accepted = lastDecision();
        assertThat(accepted.outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(accepted.change().previousStatus()).isEqualTo("REQUESTED");
        TestRecord<String, byte[]> published = statusChanges.readRecord();
        assertThat(published.key()).isEqualTo("referral-5");
        ReferralStatusChange change = PLAIN_AVRO.read(published.value());
        assertThat(change.getPreviousStatus()).isEqualTo(ReferralStatus.REQUESTED);
        assertThat(change.getReferrerPartnerId()).as("the referrer, from the ledger").isEqualTo("france-travail-93");
        assertThat(change.getReferrerPartnerEventId()).isEqualTo("EVT-5");

        // A second report judged from ACCEPTED, as it reached the partition after the first.
        reportStatus("referral-5", "adil-93", "s2", ReferralStatus.REJECTED, "HORS_TERRITOIRE", false, "q2");
        LedgerDecision refused = lastDecision();
        assertThat(refused.outcome()).isEqualTo(Outcome.IMPOSSIBLE_TRANSITION);
        assertThat(refused.reason()).contains("ACCEPTED").contains("REJECTED");

        reportStatus("referral-5", "adil-93", "s1", ReferralStatus.ACCEPTED, null, false, "q3");
        assertThat(lastDecision()).satisfies(again -> {
            assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
            assertThat(again.change()).isEqualTo(accepted.change());
        });
        reportStatus("referral-5", "adil-93", "s1", ReferralStatus.IN_PROGRESS, null, false, "q4");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.CONFLICT);

        // A service the referral was not delivered to learns nothing: the answer of an unknown referral.
        reportStatus("referral-5", "adil-75", "s9", ReferralStatus.ACCEPTED, null, false, "q5");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNKNOWN_REFERRAL);
        reportStatus("referral-unknown", "adil-93", "s9", ReferralStatus.ACCEPTED, null, false, "q6");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNKNOWN_REFERRAL);
        assertThat(statusChanges.isEmpty()).isTrue();

        // After the referrer's cancellation, any change is judged from CANCELLED.
        submit("referral-5", "CANCELLED", "EVT-5X", HASH_A, null, "instance-a", "q8");
        lastDecision();
        reportStatus("referral-5", "adil-93", "s3", ReferralStatus.IN_PROGRESS, null, false, "q9");
        assertThat(lastDecision().reason()).contains("CANCELLED");
        assertThat(statusChanges.isEmpty()).isTrue();
    }

    @Test
    void shouldRemindOnceThenExpireTheReferralsNobodyActedOnOnTheHubsClock() {
        submit("referral-7", "CREATED", "EVT-7", HASH_A, "person-7", "instance-a", "q1");
        submit("referral-8", "CREATED", "EVT-8", HASH_A, "person-8", "instance-a", "q2");
        submit("referral-9", "CREATED", "EVT-9", HASH_A, "person-9", "instance-a", "q3");
        reportStatus("referral-7", "cllaj-lyon", "r1", ReferralStatus.RECEIVED, null, false, "q4");
        reportStatus("referral-8", "adil-93", "a1", ReferralStatus.ACCEPTED, null, false, "q5");
        submit("referral-9", "CANCELLED", "EVT-9X", HASH_A, null, "instance-a", "q6");
        assertThat(noticesTo("adil-93")).as("the deliveries").hasSize(3);
        assertThat(noticesTo("cllaj-lyon")).hasSize(3);
        statusChanges.readRecordsToList();

        now.set(now.get().plus(Duration.ofDays(9)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("nothing before 10 days").isEmpty();

        now.set(now.get().plus(Duration.ofDays(1)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        // RECEIVED only acknowledges; a service that decided, or the referrer's cancellation, takes it out for good.
        assertThat(noticesTo("adil-93")).containsExactly("REMINDER referral-7");
        assertThat(noticesTo("cllaj-lyon")).containsExactly("REMINDER referral-7");
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        now.set(now.get().plus(Duration.ofDays(5)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("reminded once").isEmpty();

        now.set(now.get().plus(Duration.ofDays(15)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).containsExactly("EXPIRED referral-7");
        assertThat(noticesTo("cllaj-lyon")).containsExactly("EXPIRED referral-7");
        List<ReferralStatusChange> expired = statusChanges.readRecordsToList().stream()
                .map(record -> PLAIN_AVRO.read(record.value())).toList();
        assertThat(expired).extracting(c -> c.getServiceId() + " " + c.getPreviousStatus() + "->" + c.getStatus()
                        + " " + c.getChannel() + " " + c.getStatusEventId())
                .containsExactlyInAnyOrder("adil-93 REQUESTED->EXPIRED HUB expiry:referral-7:adil-93",
                        "cllaj-lyon RECEIVED->EXPIRED HUB expiry:referral-7:cllaj-lyon");
        assertThat(expired).allSatisfy(c -> assertThat(c.getReferrerPartnerId()).isEqualTo("france-travail-93"));

        now.set(now.get().plus(Duration.ofDays(30)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("expired once").isEmpty();
        assertThat(statusChanges.isEmpty()).isTrue();
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.EXPIRY_STORE).approximateNumEntries())
                .as("nothing left to remind or expire").isZero();
        reportStatus("referral-7", "adil-93", "a2", ReferralStatus.ACCEPTED, null, false, "q7");
        assertThat(lastDecision().reason()).contains("EXPIRED");
    }

    /**
     * The due index counts in milliseconds and the hub's clock in microseconds: a check can find the expiry due in the
     * very millisecond it falls, a fraction of it before the instant itself. A referral already reminded is then
     * expired, never reminded a second time (found by ReferralLedgerScaleOutTest on a loaded machine).
     */
    @Test
    void shouldNeverRemindTwiceWhenTheCheckFallsInTheMillisecondOfTheExpiry() {
        now.set(Instant.parse("2026-11-02T09:00:00.000700Z"));
        submit("referral-11", "CREATED", "EVT-11", HASH_A, "person-11", "instance-a", "q1");
        assertThat(noticesTo("adil-93")).as("the delivery").hasSize(1);
        Instant delivered = now.get();

        now.set(delivered.plus(Duration.ofDays(10)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).containsExactly("REMINDER referral-11");

        // 0.3 ms before the expiry, in its millisecond.
        now.set(delivered.plus(Duration.ofDays(30)).minusNanos(300_000));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("expired, not reminded again").containsExactly("EXPIRED referral-11");
        now.set(delivered.plus(Duration.ofDays(31)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("nothing more").isEmpty();
        statusChanges.readRecordsToList();
    }

    /**
     * A service that decided (ON_HOLD here) acted, even when it resumes to RECEIVED afterwards (ON_HOLD -> RECEIVED is
     * allowed): the referral stays out of expiry for good, neither reminded nor expired.
     */
    @Test
    void shouldNeverRemindNorExpireAReferralWhoseServiceDecidedAndThenResumed() {
        submit("referral-12", "CREATED", "EVT-12", HASH_A, "person-12", "instance-a", "q1");
        reportStatus("referral-12", "adil-93", "h1", ReferralStatus.ON_HOLD, "DOCUMENTS_MANQUANTS", false, "q2");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.ACCEPTED);
        reportStatus("referral-12", "adil-93", "h2", ReferralStatus.RECEIVED, null, false, "q3");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.ACCEPTED);
        noticesTo("adil-93");
        noticesTo("cllaj-lyon");
        statusChanges.readRecordsToList();

        now.set(now.get().plus(Duration.ofDays(15)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        now.set(now.get().plus(Duration.ofDays(30)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("neither reminded nor expired").isEmpty();
        assertThat(noticesTo("cllaj-lyon")).isEmpty();
        assertThat(statusChanges.isEmpty()).isTrue();
    }

    /**
     * A step that fails half-way for a lasting reason (here the second service's record cannot be encoded) writes none
     * of its records: no service is told of a referral the state does not record as sent to it, and no reminder goes
     * out that the state does not record.
     */
    @Test
    void shouldWriteNoneOfAStepsRecordsWhenOneOfThemCannotBeWritten() {
        ReferralStateTopology.Parts parts = parts((bytes, person, basis) -> bytes);
        java.util.function.BiFunction<String, org.apache.avro.specific.SpecificRecord, byte[]> failing =
                (topic, record) -> {
                    // cllaj-lyon's delivery of referral-14, cllaj-lyon's notices about referral-15.
                    if (record instanceof CounsellingReferral referral && referral.getSubscriptionId().equals("cllaj-lyon")
                            && (referral.getReferralId().equals("referral-14")
                            || referral.getReferralId().equals("referral-15") && referral.getNotice() != null)) {
                        throw new IllegalStateException("cannot be encoded");
                    }
                    return plainRecord(topic, record);
                };
        start(new ReferralStateTopology.Parts(parts.clock(), parts.recordLife(), parts.forgetSweep(),
                parts.personReferences(), parts.statusChanges(), parts.distribution(), parts.expiry(), failing,
                parts.unrouted(), parts.timeline(), parts.eventReader(), parts.eligibility(), parts.deadLetters(),
                parts.provenance()));

        // Routing: the event is published and recorded, and routed nowhere rather than to one service of two.
        submit("referral-14", "CREATED", "EVT-14", HASH_A, "person-14", "instance-a", "q1");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(referrals.readRecordsToList()).hasSize(1);
        assertThat(noticesTo("adil-93")).as("not told of a referral the state does not know it has").isEmpty();
        reportStatus("referral-14", "adil-93", "r1", ReferralStatus.RECEIVED, null, false, "q2");
        assertThat(lastDecision().outcome()).isEqualTo(Outcome.UNKNOWN_REFERRAL);

        // Reminder: the notice to the second service cannot be encoded, so the first gets none either.
        submit("referral-15", "CREATED", "EVT-15", HASH_A, "person-15", "instance-a", "q3");
        assertThat(noticesTo("adil-93")).containsExactly("DELIVERY referral-15");
        now.set(now.get().plus(Duration.ofDays(10)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).as("no reminder the state does not record").isEmpty();
        assertThat(statusChanges.isEmpty()).isTrue();
    }

    @Test
    void shouldAddTheReferrersEventsAndEachFeedbackItGotToTheTimelineOnce() {
        submit("referral-10", "CREATED", "EVT-10", HASH_A, "person-10", "instance-a", "q1");
        TestInputTopic<String, byte[]> feedback = driver.createInputTopic("feedback.france-travail-93",
                new StringSerializer(), new ByteArraySerializer());
        feedback.pipeInput("referral-10", "DELIVERED f-1".getBytes(StandardCharsets.UTF_8));
        feedback.pipeInput("referral-10", "DELIVERED f-1".getBytes(StandardCharsets.UTF_8));
        feedback.pipeInput("referral-unknown", "DELIVERED f-2".getBytes(StandardCharsets.UTF_8));
        feedback.pipeInput("referral-10", new byte[] {'?'});
        now.set(now.get().plusSeconds(5));
        submit("referral-10", "UPDATED", "EVT-10U", HASH_B, null, "instance-a", "q2");

        List<TimelineEntry> history = TimelineStore.lines(driver.getKeyValueStore(
                ReferralStateTopology.TIMELINE_STORE), "referral-10", List.of());
        assertThat(history).extracting(line -> line.what() + " " + line.reasonText())
                .as("the events in time order, the feedback once, an unreadable one left out")
                .containsExactly("EVENT null", "DELIVERED feedback.france-travail-93", "EVENT null");
        assertThat(history).extracting(TimelineEntry::partnerEventId).containsExactly("EVT-10", null, "EVT-10U");
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.LEDGER_STORE).get("referral-unknown"))
                .as("no entry made up for a feedback").isNull();
        assertThat(TimelineStore.lines(driver.getKeyValueStore(ReferralStateTopology.TIMELINE_STORE),
                "referral-unknown", List.of())).as("no line of a referral the state does not know").isEmpty();
    }

    @Test
    void shouldWriteTheLineOfItsOwnFeedbackInTheSameTransactionAndNotAgainWhenItComesBack() {
        // The distribution of production also tells the referrer: a DELIVERED feedback beside the service's record.
        ReferralDistribution withFeedback = (event, decision, before, at) -> {
            ReferralDistribution.Routed routed = TWO_SERVICES.route(event, decision, before, at);
            ReferralFeedback delivered = ReferralFeedback.newBuilder().setFeedbackId("f-own")
                    .setReferralId(before.referralId()).setPartnerEventId("EVT-11").setEventId("e")
                    .setKind(FeedbackKind.DELIVERED).setServiceId("adil-93").setOccurredAt(at).build();
            List<OutboundRecord> records = new java.util.ArrayList<>(routed.records());
            records.add(new OutboundRecord("feedback.france-travail-93", before.referralId(), delivered, Map.of()));
            return new ReferralDistribution.Routed(routed.routing(), records);
        };
        start(parts((bytes, person, basis) -> bytes, withFeedback));

        // The test driver reads the feedback back at once from the partner's topic, as the timeline processor would;
        // a line it added would carry the topic as its reason (plainLines), the ledger's own line has none.
        submit("referral-11", "CREATED", "EVT-11", HASH_A, "person-11", "instance-a", "q1");
        KeyValueStore<String, byte[]> timeline = driver.getKeyValueStore(ReferralStateTopology.TIMELINE_STORE);
        assertThat(TimelineStore.lines(timeline, "referral-11", List.of()))
                .extracting(line -> line.what() + " " + line.serviceId() + " " + line.reasonText())
                .as("the feedback's line, written by the ledger, once")
                .containsExactly("EVENT null null", "DELIVERED adil-93 null");

        driver.createInputTopic("feedback.france-travail-93", new StringSerializer(), new ByteArraySerializer())
                .pipeInput("referral-11", "DELIVERED f-own".getBytes(StandardCharsets.UTF_8));
        assertThat(TimelineStore.lines(timeline, "referral-11", List.of()))
                .extracting(line -> line.what() + " " + line.serviceId() + " " + line.reasonText())
                .as("read back again from the partner's topic, the same feedback adds nothing")
                .containsExactly("EVENT null null", "DELIVERED adil-93 null");
    }

    @Test
    void shouldGiveEachDecisionThePersonsAidsOnItsOtherReferralsAndForgetThemWithTheirReferral() {
        AtomicReference<String> deciding = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean eligible = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<List<RememberedAid>> asked = new java.util.ArrayList<>();
        // The rules' side, as the eligibility stage plays it: an eligible seasonal aid of 2026 to remember, or none.
        EligibilityDecider seasonal = new EligibilityDecider() {
            @Override
            public EligibilityDecision decide(ReferralEvent event, String person, List<RememberedAid> earlierAids) {
                asked.add(earlierAids);
                return EligibilityDecision.newBuilder().setDecisionId("d").setReferralId(deciding.get())
                        .setReferralEventId("e").setPersonReference(person)
                        .setApplicationDate(java.time.LocalDate.of(2026, 11, 2)).setDecidedAt(now.get())
                        .setRuleSetVersion("test").setProgrammes(List.of()).build();
            }

            @Override
            public List<RememberedAid> aidsToRemember(ReferralEvent event, EligibilityDecision decision) {
                return eligible.get() ? List.of(new RememberedAid("AIDE_SAISONNIERS_AGRICOLES", 2026,
                        decision.getReferralId())) : List.of();
            }
        };
        ReferralStateTopology.Parts parts = parts((bytes, person, basis) -> bytes);
        start(new ReferralStateTopology.Parts(parts.clock(), parts.recordLife(), parts.forgetSweep(),
                parts.personReferences(), parts.statusChanges(), parts.distribution(), parts.expiry(),
                parts.outboundWriter(), parts.unrouted(), parts.timeline(), parts.eventReader(), seasonal,
                parts.deadLetters(), parts.provenance()));
        KeyValueStore<String, byte[]> history = driver.getKeyValueStore(ReferralStateTopology.AID_HISTORY_STORE);

        deciding.set("referral-20");
        submit("referral-20", "CREATED", "EVT-20", HASH_A, "person-2", "instance-a", "q1");
        deciding.set("referral-21");
        submit("referral-21", "CREATED", "EVT-21", HASH_A, "person-2", "instance-b", "q2");
        deciding.set("referral-30");
        submit("referral-30", "CREATED", "EVT-30", HASH_A, "person-3", "instance-a", "q3");
        assertThat(asked).as("the first referral of a person: nothing known; the second: the first's aid; another "
                        + "person: nothing").containsExactly(List.of(),
                List.of(new RememberedAid("AIDE_SAISONNIERS_AGRICOLES", 2026, "referral-20")), List.of());

        // An update no longer eligible takes its aid out of the history; the person's next referral sees the other.
        eligible.set(false);
        deciding.set("referral-20");
        submit("referral-20", "UPDATED", "EVT-20U", HASH_B, null, "instance-a", "q4");
        eligible.set(true);
        deciding.set("referral-22");
        submit("referral-22", "CREATED", "EVT-22", HASH_A, "person-2", "instance-a", "q5");
        assertThat(asked.get(4)).containsExactly(new RememberedAid("AIDE_SAISONNIERS_AGRICOLES", 2026, "referral-21"));
        assertThat(history.get(PersonAidHistory.key("person-2", "referral-20", "AIDE_SAISONNIERS_AGRICOLES")))
                .as("the tombstone of the aid no longer in force").isNull();

        // Forgotten after 730 days of inactivity (their expiry at the services, 30 days on, is their last activity):
        // their aids leave the history with them.
        now.set(now.get().plus(Duration.ofDays(31)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        now.set(now.get().plus(Duration.ofDays(731)));
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(driver.<String, byte[]>getKeyValueStore(ReferralStateTopology.LEDGER_STORE).get("referral-21"))
                .as("forgotten").isNull();
        try (var left = history.all()) {
            assertThat(left.hasNext()).as("nothing of forgotten referrals in the person history").isFalse();
        }
    }

    @Test
    void shouldLeaveOutOfExpiryAReferralWhoseEntryCannotBeReadAndRemindTheOthers() {
        KeyValueStore<String, byte[]> ledger = driver.getKeyValueStore(ReferralStateTopology.LEDGER_STORE);
        KeyValueStore<String, byte[]> due = driver.getKeyValueStore(ReferralStateTopology.EXPIRY_STORE);
        ledger.put("referral-corrupt", "not json".getBytes(StandardCharsets.UTF_8));
        due.put(LedgerProcessor.dueKey(Instant.EPOCH, "referral-corrupt"), new byte[0]);
        submit("referral-12", "CREATED", "EVT-12", HASH_A, "person-12", "instance-a", "q1");
        noticesTo("adil-93");

        now.set(now.get().plus(Duration.ofDays(10)));
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).containsExactly("REMINDER referral-12");
        assertThat(due.get(LedgerProcessor.dueKey(Instant.EPOCH, "referral-corrupt"))).as("parked, not retried").isNull();
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertThat(noticesTo("adil-93")).isEmpty();
    }

    /** What the services got since the last call: a notice as "KIND referral", a delivery as "DELIVERY referral". */
    private List<String> noticesTo(String service) {
        return services.get(service).readRecordsToList().stream().map(record -> {
            String json = new String(record.value(), StandardCharsets.UTF_8);
            String kind = json.contains("\"notice\": \"REMINDER\"") ? "REMINDER"
                    : json.contains("\"notice\": \"EXPIRED\"") ? "EXPIRED" : "DELIVERY";
            return kind + " " + record.key();
        }).toList();
    }

    @Test
    void shouldBeDescribedInTheDocsAsKafkaStreamsDescribesIt() throws Exception {
        String described = ReferralStateTopology.build(new ReferralStateTopology.Topics("intake-submissions.v1",
                "referrals.v1", "intake-decisions.v1", "referral-status-changes.v1", "feedback.",
                "eligibility-decisions.v1", "person-aid-history.v1"),
                parts((bytes, person, basis) -> bytes)).describe().toString();
        String docs = java.nio.file.Files.readString(java.nio.file.Path.of("docs/referral-state.md"));
        assertThat(docs).as("docs/referral-state.md holds the topology's description")
                .contains(described.strip().lines().map(String::stripTrailing)
                        .collect(java.util.stream.Collectors.joining("\n")));
    }

    private void reportStatus(String referralId, String serviceId, String statusEventId, ReferralStatus status,
                              String reasonCode, boolean expiry, String correlationId) {
        Instant at = Instant.parse("2026-11-03T10:00:00Z");
        ReferralStatusChange change = ReferralStatusChange.newBuilder().setChangeId("change-" + statusEventId)
                .setReferralId(referralId).setServiceId(serviceId).setStatusEventId(statusEventId)
                .setPreviousStatus(ReferralStatus.REQUESTED).setStatus(status).setReasonCode(reasonCode)
                .setChannel(expiry ? "HUB" : "HTTP").setOccurredAt(at).setRecordedAt(at).build();
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        add(headers, SubmissionHeaders.KIND, SubmissionHeaders.STATUS_REPORT);
        add(headers, SubmissionHeaders.REPLY_TO, "instance-a");
        add(headers, SubmissionHeaders.CORRELATION_ID, correlationId);
        submissions.pipeInput(new TestRecord<>(referralId, PLAIN_AVRO.write(change), headers));
    }

    private void submit(String referralId, String type, String partnerEventId, String hash, String person,
                        String replyTo, String correlationId) {
        submissions.pipeInput(new TestRecord<>(referralId, ("event " + partnerEventId).getBytes(StandardCharsets.UTF_8),
                headers(type, partnerEventId, hash, person, "NIR", replyTo, correlationId)));
    }

    private static Headers headers(String type, String partnerEventId, String hash, String person, String basis,
                                   String replyTo, String correlationId) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        add(headers, RecordHeaders.PARTNER_ID, type == null ? null : "france-travail-93");
        add(headers, RecordHeaders.PARTNER_EVENT_ID, partnerEventId);
        add(headers, RecordHeaders.EVENT_TYPE, type);
        add(headers, RecordHeaders.CONTENT_HASH, hash);
        add(headers, RecordHeaders.PERSON_REFERENCE_BASIS, person == null ? null : basis);
        add(headers, SubmissionHeaders.PERSON_REFERENCE, person);
        add(headers, SubmissionHeaders.REPLY_TO, replyTo);
        add(headers, SubmissionHeaders.CORRELATION_ID, correlationId);
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private LedgerDecision lastDecision() {
        List<TestRecord<String, byte[]>> answers = decisions.readRecordsToList();
        assertThat(answers).isNotEmpty();
        return LedgerDecision.fromJson(answers.get(answers.size() - 1).value());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
