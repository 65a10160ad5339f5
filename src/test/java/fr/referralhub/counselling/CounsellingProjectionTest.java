package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.eligibility.EligibilityEngine;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A service sees the ids and envelope, and exactly the field groups of its profile: nothing else, field by field. */
class CounsellingProjectionTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();
    private static final ReferralEvent EVENT = Referrals.complete("france-travail-2a").build();
    private static final EligibilityDecision DECISION = ENGINE.decide(EVENT, Instant.parse("2026-03-16T10:00:00Z"));

    @ParameterizedTest(name = "{0}")
    @EnumSource(CounsellingField.class)
    void aProfileOfOneGroupFillsThatGroupAndNothingElse(CounsellingField only) {
        CounsellingReferral record = CounsellingProjection.project(EVENT, "sub-1", ReferralEventType.CREATED,
                Set.of(only), () -> DECISION);

        for (Schema.Field field : CounsellingReferral.getClassSchema().getFields()) {
            Object value = record.get(field.name());
            if (CounsellingField.ENVELOPE.contains(field.name())) {
                continue;
            }
            if (only.avroFields().contains(field.name())) {
                // The complete test referral has every field: a null here would be a group that copies nothing.
                assertThat(value).as("%s is in profile %s", field.name(), only).isNotNull();
            } else {
                assertThat(value).as("%s is outside profile %s", field.name(), only).isNull();
            }
        }
        assertThat(record.getProfile()).containsExactly(only.name());
    }

    @Test
    void everyFieldOfTheRecordIsEitherEnvelopeOrInExactlyOneGroup() {
        for (Schema.Field field : CounsellingReferral.getClassSchema().getFields()) {
            long groups = EnumSet.allOf(CounsellingField.class).stream()
                    .filter(group -> group.avroFields().contains(field.name())).count();
            assertThat(groups + (CounsellingField.ENVELOPE.contains(field.name()) ? 1 : 0))
                    .as("field %s belongs to one group or the envelope", field.name()).isEqualTo(1);
        }
    }

    @Test
    void anAgeProfileGivesTheAgeNotTheBirthDate() {
        CounsellingReferral record = CounsellingProjection.project(EVENT, "sub-1", ReferralEventType.CREATED,
                Set.of(CounsellingField.AGE, CounsellingField.HOME, CounsellingField.ELIGIBILITY), () -> DECISION);

        assertThat(record.getAge()).isEqualTo(27);
        assertThat(record.getBirthDate()).isNull();
        assertThat(record.getHomeDepartement()).isEqualTo("2A");
        assertThat(record.getEligibility()).anySatisfy(p -> {
            assertThat(p.getProgramme()).hasToString("VISALE");
            assertThat(p.getOutcome()).isEqualTo(EligibilityOutcome.ELIGIBLE);
        });
        assertThat(record.getEligibilityRuleSetVersion()).isEqualTo(DECISION.getRuleSetVersion());
        assertThat(record.getDeliveryId()).isEqualTo(CounsellingProjection.deliveryIdFor(EVENT.getEventId(), "sub-1"))
                .isNotEqualTo(CounsellingProjection.deliveryIdFor(EVENT.getEventId(), "sub-2"));
    }

    @Test
    void theEligibilityGroupNamesTheCriteriaButNeverTheValuesTheRulesSaw() {
        // A 27-year-old employee: not eligible to the CEJ (age, status), whose decision's own sentence quotes them.
        ReferralEvent event = Referrals.complete("france-travail-2a")
                .setRequestedProgrammes(List.of(Programme.CEJ, Programme.VISALE, Programme.MOBILI_JEUNE)).build();
        EligibilityDecision decision = ENGINE.decide(event, Instant.parse("2026-03-16T10:00:00Z"));
        assertThat(decision.getProgrammes()).extracting(p -> p.getSummary().toString())
                .as("the decision itself, for the referrer").anyMatch(summary -> summary.contains("27 ans"));

        CounsellingReferral record = CounsellingProjection.project(event, "sub-1", ReferralEventType.CREATED,
                Set.of(CounsellingField.NEEDS, CounsellingField.ELIGIBILITY), () -> decision);

        assertThat(record.getAge()).isNull();
        assertThat(record.getEligibility()).isNotEmpty().allSatisfy(p -> assertThat(p.getSummary().toString())
                .doesNotContainPattern("\\d+ ans|€|\\d{2}/\\d{2}/\\d{4}").endsWith("."));
        assertThat(record.getEligibility()).anySatisfy(p -> assertThat(p.getSummary().toString())
                .startsWith("Non éligible au Contrat d'engagement jeune").contains("âge"));
    }

    @Test
    void aCancellationNamesTheReferralAndTheReasonOnly() {
        ReferralEvent cancellation = Referrals.cancellationOf(EVENT);

        CounsellingReferral record = CounsellingProjection.project(cancellation, "sub-1", ReferralEventType.CANCELLED,
                Set.of(), () -> null);

        assertThat(record.getReferralId()).isEqualTo(EVENT.getReferralId());
        assertThat(record.getCancellationReason()).isEqualTo("DOUBLON");
        assertThat(record.getProfile()).isEmpty();
        assertThat(record.getHomeCommune()).isNull();
        assertThat(record.getReferrer()).isNull();
    }

    @Test
    void theRecordNeverHoldsAnIdentifierField() {
        List<String> names = CounsellingReferral.getClassSchema().getFields().stream().map(Schema.Field::name).toList();
        assertThat(names).noneMatch(name -> name.toLowerCase().contains("nir")
                || name.toLowerCase().contains("francetravail") || name.toLowerCase().contains("name")
                && !name.equals("structureName"));
    }
}
