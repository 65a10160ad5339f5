package fr.referralhub.eligibility;

import static fr.referralhub.avro.ContractType.APPRENTISSAGE;
import static fr.referralhub.avro.EmployerSector.PRIVE_NON_AGRICOLE;
import static fr.referralhub.avro.EmploymentStatus.APPRENTI;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import fr.referralhub.avro.DecisionKind;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** A cancelled referral gets its decisions withdrawn: a WITHDRAWAL record, deterministic like a decision. */
class EligibilityWithdrawalTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();
    private static final Instant DECIDED_AT = Instant.parse("2031-01-01T00:00:00Z");
    private static final String KEY = "PSEUDO-OF-THE-CREATION";

    /** The canonical shape of a cancellation: no person, a reason code. */
    private static ReferralEvent cancellation(String eventId, Instant occurredAt) {
        ReferralEvent event = referral().eventId(eventId).eventType(ReferralEventType.CANCELLED).withoutPerson()
                .occurredAt(occurredAt).build();
        event.setCancellationReason("DOUBLON");
        return event;
    }

    @Test
    void a_cancellation_withdraws_the_referrals_decisions() {
        ReferralEvent cancellation = cancellation("evt-cancel-1", Instant.parse("2025-03-15T09:00:00Z"));

        EligibilityDecision withdrawal = ENGINE.withdraw(cancellation, KEY, Instant.parse("2031-01-01T00:00:00.123456Z"));

        assertThat(withdrawal.getKind()).isEqualTo(DecisionKind.WITHDRAWAL);
        assertThat(withdrawal.getWithdrawalReason()).isEqualTo("DOUBLON");
        assertThat(withdrawal.getProgrammes()).isEmpty();
        assertThat(withdrawal.getReferralId()).isEqualTo(cancellation.getReferralId());
        assertThat(withdrawal.getReferralEventId()).isEqualTo("evt-cancel-1");
        assertThat(withdrawal.getPersonReference()).isEqualTo(KEY);
        assertThat(withdrawal.getDecisionId()).isEqualTo(EligibilityEngine.decisionIdFor("evt-cancel-1"));
        assertThat(withdrawal.getApplicationDate()).isEqualTo(LocalDate.of(2025, 3, 15));
        assertThat(withdrawal.getRuleSetVersion()).isEqualTo("2024-10-29");
        assertThat(withdrawal.getDecidedAt()).isEqualTo(Instant.parse("2031-01-01T00:00:00.123Z"));
    }

    @Test
    void the_withdrawal_id_differs_from_the_decision_of_the_creation_and_is_stable() {
        ReferralEvent creation = referral().eventId("evt-create-1").appliedOn(LocalDate.of(2025, 3, 15))
                .bornOn(LocalDate.of(2000, 6, 1)).status(APPRENTI)
                .contract(APPRENTISSAGE, PRIVE_NON_AGRICOLE, LocalDate.of(2025, 1, 15)).requesting(MOBILI_JEUNE)
                .build();
        ReferralEvent cancellation = cancellation("evt-cancel-1", Instant.parse("2025-03-20T09:00:00Z"));

        EligibilityDecision decision = ENGINE.decide(creation, DECIDED_AT);
        EligibilityDecision withdrawal = ENGINE.withdraw(cancellation, KEY, DECIDED_AT);
        EligibilityDecision replayed = ENGINE.withdraw(cancellation, KEY, DECIDED_AT.plusSeconds(86_400 * 365));

        assertThat(decision.getKind()).isEqualTo(DecisionKind.DECISION);
        assertThat(decision.getWithdrawalReason()).isNull();
        assertThat(withdrawal.getDecisionId()).isNotEqualTo(decision.getDecisionId());
        replayed.setDecidedAt(withdrawal.getDecidedAt());
        assertThat(replayed).isEqualTo(withdrawal);
    }

    @Test
    void the_cancellation_date_is_the_french_day_and_picks_the_rule_set_version_of_that_day() {
        // 23:30 UTC on 28 October 2024 is already 29 October in Paris: the day the 2024-10-29 rule set starts.
        EligibilityDecision lateEvening = ENGINE.withdraw(
                cancellation("evt-a", Instant.parse("2024-10-28T23:30:00Z")), KEY, DECIDED_AT);
        EligibilityDecision dayBefore = ENGINE.withdraw(
                cancellation("evt-b", Instant.parse("2024-10-28T12:00:00Z")), KEY, DECIDED_AT);

        assertThat(lateEvening.getApplicationDate()).isEqualTo(LocalDate.of(2024, 10, 29));
        assertThat(lateEvening.getRuleSetVersion()).isEqualTo("2024-10-29");
        assertThat(dayBefore.getApplicationDate()).isEqualTo(LocalDate.of(2024, 10, 28));
        assertThat(dayBefore.getRuleSetVersion()).isEqualTo("2023-07-01");
    }

    @Test
    void a_cancellation_before_every_rule_set_is_still_withdrawn_with_an_empty_version() {
        // No rule applies to a withdrawal, so a date no rule set covers is no reason to refuse (and dead-letter) it.
        EligibilityDecision withdrawal = ENGINE.withdraw(
                cancellation("evt-old", Instant.parse("2023-01-10T09:00:00Z")), KEY, DECIDED_AT);

        assertThat(withdrawal.getApplicationDate()).isEqualTo(LocalDate.of(2023, 1, 10));
        assertThat(withdrawal.getRuleSetVersion()).isEmpty();
        assertThat(withdrawal.getKind()).isEqualTo(DecisionKind.WITHDRAWAL);
    }

    @Test
    void a_cancellation_without_reason_is_withdrawn_without_reason() {
        ReferralEvent cancellation = cancellation("evt-no-reason", Instant.parse("2025-03-15T09:00:00Z"));
        cancellation.setCancellationReason(null);

        assertThat(ENGINE.withdraw(cancellation, KEY, DECIDED_AT).getWithdrawalReason()).isNull();
    }

    @Test
    void refuses_to_withdraw_anything_but_a_cancellation_or_without_key() {
        ReferralEvent creation = referral().eventId("evt-create-2").build();
        ReferralEvent cancellation = cancellation("evt-cancel-2", Instant.parse("2025-03-15T09:00:00Z"));

        assertThatThrownBy(() -> ENGINE.withdraw(creation, KEY, DECIDED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a cancellation");
        assertThatThrownBy(() -> ENGINE.withdraw(cancellation, null, DECIDED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no record key");
        assertThatThrownBy(() -> ENGINE.decide(cancellation, DECIDED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("withdraw");
    }

    @Test
    void the_withdrawal_is_a_valid_avro_record() throws Exception {
        EligibilityDecision withdrawal = ENGINE.withdraw(
                cancellation("evt-cancel-3", Instant.parse("2025-03-15T09:00:00Z")), KEY, DECIDED_AT);

        assertThat(EligibilityDecision.fromByteBuffer(withdrawal.toByteBuffer())).isEqualTo(withdrawal);
    }

    @Test
    void a_decision_written_with_the_first_schema_reads_as_a_decision() throws Exception {
        Schema v1 = new Schema.Parser().parse(
                Path.of("src/test/resources/schema-history/eligibility-decisions.v1-value/v1.avsc").toFile());
        GenericRecord old = new GenericData.Record(v1);
        old.put("decisionId", "d-1");
        old.put("referralId", "r-1");
        old.put("referralEventId", "e-1");
        old.put("personReference", KEY);
        old.put("applicationDate", (int) LocalDate.of(2025, 3, 15).toEpochDay());
        old.put("decidedAt", DECIDED_AT.toEpochMilli());
        old.put("ruleSetVersion", "2024-10-29");
        old.put("programmes", List.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v1).write(old, encoder);
        encoder.flush();

        EligibilityDecision read = new SpecificDatumReader<EligibilityDecision>(v1, EligibilityDecision.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertThat(read.getKind()).isEqualTo(DecisionKind.DECISION);
        assertThat(read.getWithdrawalReason()).isNull();
        assertThat(read.getDecisionId()).isEqualTo("d-1");
    }
}
