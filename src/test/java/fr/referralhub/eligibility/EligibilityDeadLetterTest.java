package fr.referralhub.eligibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.SourceReference;
import fr.referralhub.kafka.DeadLetterCipher;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.testing.CanonicalEvents;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * An event the referral state accepted but cannot decide (dated before the earliest rule set) is dead-lettered as
 * published (encrypted), with the reason and its tracing headers, in the transaction that publishes it; the next
 * event of the same person is decided all the same.
 */
@HubTest
class EligibilityDeadLetterTest {

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Value("${hub.topics.referrals}")
    String referralsTopic;
    @Value("${hub.topics.dead-letters}")
    String deadLettersTopic;
    @Value("${hub.topics.eligibility-decisions}")
    String decisionsTopic;
    @Autowired
    IntakeSubmissions submissions;

    @Test
    void shouldDeadLetterAnEventThatCannotBeDecidedWithItsPublishedBytesAndReasonThenKeepDeciding() {
        String person = "person-" + UUID.randomUUID();
        ReferralEvent undecidable = referral(person, LocalDate.of(2023, 6, 29));
        ReferralEvent following = referral(person, LocalDate.of(2026, 3, 16));
        CanonicalEvents.submit(submissions, undecidable, person);
        CanonicalEvents.submit(submissions, following, person);

        // Written with the publication: once the ledger accepted the event, its dead letter is on the topic.
        ConsumerRecord<String, byte[]> deadLetter = TopicReader.readToEnd(bootstrapServers, deadLettersTopic,
                r -> undecidable.getReferralId().equals(TopicReader.header(r, RecordHeaders.REFERRAL_ID))).get(0);
        ConsumerRecord<String, byte[]> published = TopicReader.readToEnd(bootstrapServers, referralsTopic,
                r -> undecidable.getReferralId().equals(TopicReader.header(r, RecordHeaders.REFERRAL_ID))).get(0);
        assertThat(deadLetter.key()).as("keyed like the referral's records").isEqualTo(person);
        // Stored encrypted (it could hold a NIR); the development key of the dev profile gives the original back.
        assertThat(deadLetter.value()).isNotEqualTo(published.value());
        DeadLetterCipher devCipher = new DeadLetterCipher(DeadLetterCipher.DEVELOPMENT_KEY);
        assertThat(devCipher.decrypt(deadLetter.value())).isEqualTo(published.value());
        assertThat(TopicReader.header(deadLetter, DeadLetters.ENCRYPTION)).isEqualTo("AES-256-GCM");
        assertThat(TopicReader.header(deadLetter, DeadLetters.KEY_ID)).isEqualTo(devCipher.keyId()).matches("[0-9a-f]{8}");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.topic")).isEqualTo(referralsTopic);
        assertThat(TopicReader.header(deadLetter, "__connect.errors.connector.name")).isEqualTo("eligibility-decisions");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.exception.message")).contains("2023-06-29");
        assertThat(TopicReader.header(deadLetter, "__connect.errors.timestamp")).isNotBlank();
        assertThat(TopicReader.header(deadLetter, RecordHeaders.PARTNER_EVENT_ID))
                .as("the tracing headers a replay needs").isEqualTo(undecidable.getSource().getPartnerEventId());

        await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readToEnd(bootstrapServers, decisionsTopic).stream()
                .anyMatch(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains(following.getReferralId())));
        assertThat(TopicReader.readToEnd(bootstrapServers, decisionsTopic).stream()
                .filter(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains(undecidable.getReferralId())))
                .as("no decision for the event that could not be decided").isEmpty();
    }

    /** A new referral of this person, applied for on that day. */
    private static ReferralEvent referral(String personReference, LocalDate appliedOn) {
        ReferralEvent event = TestReferral.referral().personReference(personReference).appliedOn(appliedOn)
                .bornOn(LocalDate.of(2000, 1, 1)).livingIn("93066", "93").build();
        String referralId = UUID.randomUUID().toString();
        return ReferralEvent.newBuilder(event).setReferralId(referralId).setEventId(UUID.randomUUID().toString())
                .setSource(SourceReference.newBuilder(event.getSource()).setPartnerEventId("DL-" + referralId).build())
                .build();
    }
}
