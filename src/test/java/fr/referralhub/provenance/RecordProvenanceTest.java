package fr.referralhub.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/**
 * What the signature covers: topic, key, value, the hub's headers and a dead letter's; the partner registry check;
 * and how refusals are counted.
 */
class RecordProvenanceTest {

    private static final PartnerRegistry PARTNERS = new PartnerRegistry(new PartnerRegistryProperties(List.of(
            new Partner("ft-93", "ft-93", PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON,
                    "employment-agency-json-v1", true, List.of("FT-93"), List.of()))));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordProvenance hub = new RecordProvenance(utf8("a key only hub instances derive"), PARTNERS,
            meters);

    @Test
    void shouldAcceptWhatTheHubSignedAndRefuseAnyChangeToIt() {
        Headers headers = headers("ft-93");
        hub.sign("referrals.v1", utf8("key"), utf8("value"), headers);

        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), headers)).isEmpty();
        assertThat(hub.refusal("feedback.ft-93", "key", utf8("value"), headers)).as("another topic").isPresent();
        assertThat(hub.refusal("referrals.v1", "other", utf8("value"), headers)).as("another key").isPresent();
        assertThat(hub.refusal("referrals.v1", (String) null, utf8("value"), headers)).as("no key").isPresent();
        assertThat(hub.refusal("referrals.v1", "key", utf8("valuE"), headers)).as("another value").isPresent();
        Headers routed = copy(headers);
        routed.add("hub.subscription-id", utf8("someone-elses"));
        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), routed)).as("a hub header added").isPresent();
        Headers traced = copy(headers);
        traced.add("traceparent", utf8("00-abc"));
        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), traced)).as("not a hub header").isEmpty();
    }

    @Test
    void shouldRefuseADeadLetterWhoseRouteOrReasonWasChanged() {
        Headers headers = headers("ft-93");
        headers.add("__connect.errors.connector.name", utf8("status-feedback"));
        headers.add("__connect.errors.exception.class.name", utf8(UntrustedRecordException.class.getName()));
        hub.sign("dead-letters.v1", utf8("key"), utf8("encrypted"), headers);
        assertThat(hub.refusal("dead-letters.v1", "key", utf8("encrypted"), headers)).isEmpty();

        // Passed off as a landlord's refused record, whose replay would publish it as the hub's.
        Headers laundered = new org.apache.kafka.common.header.internals.RecordHeaders();
        for (Header header : headers) {
            laundered.add(header.key(), header.key().equals("__connect.errors.exception.class.name")
                    ? utf8("fr.referralhub.intake.InvalidPartnerEventException") : header.value());
        }
        assertThat(hub.refusal("dead-letters.v1", "key", utf8("encrypted"), laundered)).isPresent();
    }

    @Test
    void shouldCountARefusedRecordOnceHoweverOftenItIsReadAgainButEveryConsumerFromZero() {
        hub.expect("dead-letters");
        assertThat(refused("dead-letters")).isZero();
        ConsumerRecord<String, byte[]> forged = new ConsumerRecord<>("dead-letters.v1", 1, 42, "key", utf8("value"));

        assertThat(hub.checkEachOnce("dead-letters", forged)).isPresent();
        assertThat(hub.checkEachOnce("dead-letters", forged)).as("refused at each reading").isPresent();
        assertThat(refused("dead-letters")).as("counted once").isEqualTo(1);
        assertThat(hub.checkEachOnce("dead-letters",
                new ConsumerRecord<>("dead-letters.v1", 1, 43, "key", utf8("value")))).isPresent();
        assertThat(refused("dead-letters")).isEqualTo(2);
        hub.check("partner-history", forged);
        hub.check("partner-history", forged);
        assertThat(refused("partner-history")).as("a reader of each record once counts each reading").isEqualTo(2);
    }

    @Test
    void shouldRefuseRecordsSignedWithAnotherKeyOrNotSignedAtAll() {
        RecordProvenance stranger = new RecordProvenance(utf8("a guess"), PARTNERS, new SimpleMeterRegistry());
        Headers headers = headers("ft-93");
        stranger.sign("referrals.v1", utf8("key"), utf8("value"), headers);

        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), headers)).hasValueSatisfying(
                reason -> assertThat(reason).contains("signature does not match"));
        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), headers("ft-93"))).hasValueSatisfying(
                reason -> assertThat(reason).contains("no hub.provenance header"));
    }

    @Test
    void shouldRefuseASignedRecordForAPartnerTheRegistryDoesNotKnow() {
        Headers headers = headers("intruder");
        hub.sign("referrals.v1", utf8("key"), utf8("value"), headers);

        assertThat(hub.refusal("referrals.v1", "key", utf8("value"), headers)).hasValueSatisfying(
                reason -> assertThat(reason).isEqualTo("partner 'intruder' is not in the partner registry"));
    }

    @Test
    void shouldReplaceASignatureCopiedFromTheInputRecord() {
        Headers headers = headers("ft-93");
        hub.sign("intake-submissions.v1", utf8("key"), utf8("value"), headers);
        hub.sign("referrals.v1", utf8("person"), utf8("value"), headers);

        assertThat(headers.headers(RecordProvenance.HEADER)).hasSize(1);
        assertThat(hub.refusal("referrals.v1", "person", utf8("value"), headers)).isEmpty();
    }

    private double refused(String consumer) {
        return meters.get(RecordProvenance.REFUSED_METRIC).tag("consumer", consumer).counter().count();
    }

    private static Headers headers(String partnerId) {
        Headers headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(RecordHeaders.PARTNER_ID, utf8(partnerId));
        headers.add(RecordHeaders.EVENT_ID, utf8("event-1"));
        return headers;
    }

    private static Headers copy(Headers headers) {
        return new org.apache.kafka.common.header.internals.RecordHeaders(headers.toArray());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
