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
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/** What the signature covers: topic, key, value and the hub's headers; and the partner registry check. */
class RecordProvenanceTest {

    private static final PartnerRegistry PARTNERS = new PartnerRegistry(new PartnerRegistryProperties(List.of(
            new Partner("ft-93", "ft-93", PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON,
                    "employment-agency-json-v1", true, List.of("FT-93"), List.of()))));
    private final RecordProvenance hub = new RecordProvenance(utf8("a key only hub instances derive"), PARTNERS,
            new SimpleMeterRegistry());

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
