package fr.referralhub.eligibility;

import static fr.referralhub.avro.EligibilityOutcome.ELIGIBLE;
import static fr.referralhub.avro.EligibilityOutcome.NEEDS_INFORMATION;
import static fr.referralhub.avro.EligibilityOutcome.NOT_ELIGIBLE;
import static fr.referralhub.avro.Programme.CEJ;
import static fr.referralhub.avro.Programme.EMILE;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.avro.Programme.VISALE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import org.junit.jupiter.api.Test;

/**
 * The three creation samples of /work/shared/samples/employment-agency/, as the intake mapping should turn them into
 * canonical events (built by hand here, so this test does not depend on the mapper), and the decisions they get.
 */
class PartnerSampleDecisionsTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();
    private static final Instant DECIDED_AT = Instant.parse("2026-11-20T08:15:03Z");

    private static Instant horodatage(String partnerTimestamp) {
        return OffsetDateTime.parse(partnerTimestamp).toInstant();
    }

    private static ProgrammeDecision decisionFor(EligibilityDecision decision, Programme programme) {
        return decision.getProgrammes().stream().filter(p -> p.getProgramme() == programme).findFirst()
                .orElseThrow(() -> new AssertionError(programme + " was not decided: " + decision));
    }

    /** ft-orientation-mobili-jeune.json: Léa, apprentice in Aurillac (Cantal), 520 km from Saint-Denis. */
    @Test
    void lea_apprentice_moving_to_aurillac_gets_mobili_jeune_and_visale() {
        EligibilityDecision decision = ENGINE.decide(referral()
                .eventId("9a3f8d0e-0c1b-4b7e-8f51-4a1e2b3c4d01")
                .occurredAt(horodatage("2026-11-20T09:15:00+01:00"))
                .bornOn(LocalDate.of(2002, 4, 12))
                .livingIn("93066", "93").housing(HousingSituation.HEBERGE_TIERS).workPermit(true)
                .status(EmploymentStatus.APPRENTI)
                .contract(ContractType.APPRENTISSAGE, EmployerSector.PRIVE_NON_AGRICOLE, LocalDate.of(2026, 9, 1))
                .grossSalary("1400.00").workplace("15014").distanceKm(520)
                .rent("450.00", "15").targetCommune("15014").doubleRent(false)
                .needs(Need.LOGEMENT, Need.MOBILITE)
                .requesting(MOBILI_JEUNE, VISALE)
                .build(), DECIDED_AT);

        assertThat(decision.getApplicationDate()).isEqualTo(LocalDate.of(2026, 11, 20));
        assertThat(decision.getRuleSetVersion()).isEqualTo("2024-10-29");
        assertThat(decision.getProgrammes())
                .extracting(ProgrammeDecision::getProgramme, ProgrammeDecision::getRequested,
                        ProgrammeDecision::getOutcome)
                .containsExactly(tuple(MOBILI_JEUNE, true, ELIGIBLE), tuple(VISALE, true, ELIGIBLE));
    }

    /** ml-orientation-cej.json: Yanis, 20, no activity, living with family in Marseille, no target housing yet. */
    @Test
    void yanis_without_activity_gets_cej_and_visale_waits_for_a_rent() {
        EligibilityDecision decision = ENGINE.decide(referral()
                .eventId("9a3f8d0e-0c1b-4b7e-8f51-4a1e2b3c4d02")
                .occurredAt(horodatage("2026-11-21T16:40:12+01:00"))
                .bornOn(LocalDate.of(2006, 7, 3))
                .livingIn("13055", "13").housing(HousingSituation.FAMILLE).workPermit(true)
                .status(EmploymentStatus.SANS_ACTIVITE).inEducationOrTraining(false)
                .needs(Need.EMPLOI, Need.LOGEMENT)
                .requesting(CEJ, VISALE)
                .build(), DECIDED_AT);

        assertThat(decisionFor(decision, CEJ).getOutcome()).isEqualTo(ELIGIBLE);
        ProgrammeDecision visale = decisionFor(decision, VISALE);
        assertThat(visale.getOutcome()).isEqualTo(NEEDS_INFORMATION);
        assertThat(visale.getMissingInputs()).containsExactly("targetHousing.monthlyRentCents");
        assertThat(visale.getSummary())
                .isEqualTo("Éligibilité à Visale à confirmer : information manquante pour le critère plafond de loyer.");
        // suggested by the housing need; no work-study contract
        ProgrammeDecision mobiliJeune = decisionFor(decision, MOBILI_JEUNE);
        assertThat(mobiliJeune.getRequested()).isFalse();
        assertThat(mobiliJeune.getOutcome()).isEqualTo(NOT_ELIGIBLE);
    }

    /**
     * ft-orientation-emile.json: Jean-Marc, 38, job seeker hosted by a third party in Montreuil (93), who would move to
     * the Cantal or the Lozere (territoiresSouhaites 15, 48: both host departements). That he volunteers is only in
     * the free-text comment, which the hub does not read: EMILE asks for it (beneficiaire.volontaireMobilite).
     */
    @Test
    void jean_marc_hosted_in_montreuil_gets_emile_once_his_will_to_move_is_sent() {
        TestReferral jeanMarc = referral()
                .eventId("9a3f8d0e-0c1b-4b7e-8f51-4a1e2b3c4d03")
                .occurredAt(horodatage("2026-11-19T11:02:45+01:00"))
                .bornOn(LocalDate.of(1988, 2, 14))
                .livingIn("93048", "93").housing(HousingSituation.HEBERGE_TIERS).workPermit(true)
                .status(EmploymentStatus.DEMANDEUR_EMPLOI)
                .needs(Need.LOGEMENT, Need.MOBILITE, Need.EMPLOI)
                .requesting(EMILE)
                .desiring("15", "48");

        ProgrammeDecision asSent = decisionFor(ENGINE.decide(jeanMarc.build(), DECIDED_AT), EMILE);
        EligibilityDecision decision = ENGINE.decide(jeanMarc.willingToMove(true).build(), DECIDED_AT);
        ProgrammeDecision emile = decisionFor(decision, EMILE);

        assertThat(asSent.getOutcome()).as(asSent.getSummary()).isEqualTo(NEEDS_INFORMATION);
        assertThat(asSent.getMissingInputs()).containsExactly("person.willingToMove");
        assertThat(emile.getOutcome()).as(emile.getSummary()).isEqualTo(ELIGIBLE);
        assertThat(emile.getRequested()).isTrue();
        // 38 and without a job: the suggested housing aids do not apply
        assertThat(decision.getProgrammes())
                .extracting(ProgrammeDecision::getProgramme, ProgrammeDecision::getRequested,
                        ProgrammeDecision::getOutcome)
                .containsExactly(tuple(EMILE, true, ELIGIBLE), tuple(MOBILI_JEUNE, false, NOT_ELIGIBLE),
                        tuple(VISALE, false, NOT_ELIGIBLE));
    }
}
