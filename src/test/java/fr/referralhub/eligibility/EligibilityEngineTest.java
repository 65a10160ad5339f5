package fr.referralhub.eligibility;

import static fr.referralhub.avro.ContractType.APPRENTISSAGE;
import static fr.referralhub.avro.ContractType.CDD;
import static fr.referralhub.avro.ContractType.CDI;
import static fr.referralhub.avro.ContractType.SAISONNIER_AGRICOLE;
import static fr.referralhub.avro.EmployerSector.AGRICOLE;
import static fr.referralhub.avro.EmployerSector.PRIVE_NON_AGRICOLE;
import static fr.referralhub.avro.EmploymentStatus.APPRENTI;
import static fr.referralhub.avro.EmploymentStatus.DEMANDEUR_EMPLOI;
import static fr.referralhub.avro.EmploymentStatus.SAISONNIER;
import static fr.referralhub.avro.EmploymentStatus.SALARIE;
import static fr.referralhub.avro.Programme.AIDE_SAISONNIERS_AGRICOLES;
import static fr.referralhub.avro.Programme.CEJ;
import static fr.referralhub.avro.Programme.EMILE;
import static fr.referralhub.avro.Programme.MOBILI_JEUNE;
import static fr.referralhub.avro.Programme.MOBILI_PASS;
import static fr.referralhub.avro.Programme.VISALE;
import static fr.referralhub.eligibility.TestReferral.referral;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import fr.referralhub.avro.CriterionCheck;
import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the engine does around the rules: dates, ids, which programmes, texts, amounts, refusals. */
class EligibilityEngineTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();
    private static final Instant DECIDED_AT = Instant.parse("2031-01-01T00:00:00Z");
    private static final LocalDate APPLIED = LocalDate.of(2025, 3, 15);

    private static TestReferral apprentice() {
        return referral().appliedOn(APPLIED).bornOn(LocalDate.of(2000, 6, 1))
                .status(APPRENTI).contract(APPRENTISSAGE, PRIVE_NON_AGRICOLE, APPLIED.minusMonths(2))
                .grossSalary("1400.00").distanceKm(85).doubleRent(false).rent("450.00", "15")
                .requesting(MOBILI_JEUNE);
    }

    /**
     * An amount as counsellors read it, written here with plain spaces for readability: {@code eur("2 162,16")} is
     * "2 162,16 €" with the narrow no-break space (U+202F) between thousands and a no-break space (U+00A0) before
     * the euro sign, as FrenchTextTest pins down.
     */
    private static String eur(String amount) {
        return amount.replace(' ', '\u202F') + "\u00A0€";
    }

    private static ProgrammeDecision decisionFor(EligibilityDecision decision, Programme programme) {
        return decision.getProgrammes().stream().filter(p -> p.getProgramme() == programme).findFirst()
                .orElseThrow(() -> new AssertionError(programme + " was not decided: " + decision));
    }

    private static CriterionCheck criterion(ProgrammeDecision decision, String code) {
        return decision.getCriteria().stream().filter(c -> c.getCode().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no criterion " + code + " in " + decision.getCriteria()));
    }

    @Test
    void carries_the_referral_identity_and_the_rule_set_version() {
        EligibilityDecision decision = ENGINE.decide(apprentice().eventId("evt-42").personReference("PSEUDO-42")
                .build(), Instant.parse("2031-01-01T00:00:00.123456Z"));

        assertThat(decision.getDecisionId())
                .isEqualTo(UUID.nameUUIDFromBytes("decision:evt-42".getBytes(StandardCharsets.UTF_8)).toString());
        assertThat(decision.getReferralEventId()).isEqualTo("evt-42");
        assertThat(decision.getReferralId()).isEqualTo("b7d0f7e4-8c1e-4f7a-9a59-000000000002");
        assertThat(decision.getPersonReference()).isEqualTo("PSEUDO-42");
        assertThat(decision.getApplicationDate()).isEqualTo(APPLIED);
        assertThat(decision.getRuleSetVersion()).isEqualTo("2024-10-29");
        // timestamp-millis keeps milliseconds: truncating here makes the decision equal to itself after a round trip
        assertThat(decision.getDecidedAt()).isEqualTo(Instant.parse("2031-01-01T00:00:00.123Z"));
    }

    @Test
    void deciding_the_same_event_again_later_gives_the_same_decision_and_id() {
        EligibilityDecision first = ENGINE.decide(apprentice().build(), Instant.parse("2025-03-15T10:00:00Z"));
        EligibilityDecision replay = ENGINE.decide(apprentice().build(), Instant.parse("2040-01-01T00:00:00Z"));
        EligibilityDecision otherEvent = ENGINE.decide(apprentice().eventId("another-event").build(), DECIDED_AT);

        replay.setDecidedAt(first.getDecidedAt());
        assertThat(replay).isEqualTo(first);
        assertThat(otherEvent.getDecisionId()).isNotEqualTo(first.getDecisionId());
    }

    @Test
    void application_date_is_the_day_in_paris_not_in_utc() {
        // 23:30 UTC on 28 October 2024 is 00:30 on the 29th in Paris (UTC+1): the new rule set applies.
        EligibilityDecision decision = ENGINE.decide(apprentice().contractStart(LocalDate.of(2024, 9, 1))
                .grossSalary("1500.00").occurredAt(Instant.parse("2024-10-28T23:30:00Z")).build(), DECIDED_AT);

        assertThat(decision.getApplicationDate()).isEqualTo(LocalDate.of(2024, 10, 29));
        assertThat(decision.getRuleSetVersion()).isEqualTo("2024-10-29");
        assertThat(decisionFor(decision, MOBILI_JEUNE).getOutcome()).isEqualTo(EligibilityOutcome.ELIGIBLE);

        // Summer time: 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2).
        assertThat(EligibilityEngine.applicationDate(apprentice()
                .occurredAt(Instant.parse("2025-06-30T22:30:00Z")).build())).isEqualTo(LocalDate.of(2025, 7, 1));
    }

    @Test
    void names_the_rule_set_in_force_on_the_application_date() {
        EligibilityDecision before = ENGINE.decide(apprentice().appliedOn(LocalDate.of(2024, 10, 28)).build(),
                DECIDED_AT);
        EligibilityDecision after = ENGINE.decide(apprentice().appliedOn(LocalDate.of(2024, 10, 29)).build(),
                DECIDED_AT);

        assertThat(before.getRuleSetVersion()).isEqualTo("2023-07-01");
        assertThat(after.getRuleSetVersion()).isEqualTo("2024-10-29");
    }

    @Test
    void salary_ceiling_shows_the_value_the_threshold_and_the_smic_used() {
        CriterionCheck after = criterion(decisionFor(ENGINE.decide(apprentice().build(), DECIDED_AT), MOBILI_JEUNE),
                "SALARY_CEILING");
        CriterionCheck before = criterion(decisionFor(ENGINE.decide(apprentice()
                .contractStart(LocalDate.of(2024, 9, 1)).appliedOn(LocalDate.of(2024, 10, 28)).build(), DECIDED_AT),
                MOBILI_JEUNE), "SALARY_CEILING");

        assertThat(after.getVerdict()).isEqualTo(CriterionResult.PASS);
        assertThat(after.getValue()).isEqualTo(eur("1 400,00"));
        assertThat(after.getThreshold()).isEqualTo("<= " + eur("2 162,16") + " (120 % du SMIC " + eur("1 801,80") + ")");
        assertThat(after.getExplanation())
                .isEqualTo("Salaire brut de " + eur("1 400,00") + " : sous le plafond de 120 % du SMIC.");
        assertThat(before.getThreshold()).isEqualTo("<= " + eur("1 413,54") + " (80 % du SMIC " + eur("1 766,92") + ")");
    }

    @Test
    void a_2026_decision_uses_the_2026_smic() {
        CriterionCheck salary = criterion(decisionFor(ENGINE.decide(apprentice().contractStart(LocalDate.of(2026, 10, 1))
                .appliedOn(LocalDate.of(2026, 12, 4)).build(), DECIDED_AT), MOBILI_JEUNE), "SALARY_CEILING");

        assertThat(salary.getThreshold()).isEqualTo("<= " + eur("2 187,64") + " (120 % du SMIC " + eur("1 823,03") + ")");
    }

    @Test
    void lists_every_mobili_jeune_criterion_in_order_with_a_french_explanation() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(apprentice().build(), DECIDED_AT), MOBILI_JEUNE);

        assertThat(decision.getCriteria()).extracting(CriterionCheck::getCode, CriterionCheck::getVerdict)
                .containsExactly(
                        tuple("AGE_UNDER_30", CriterionResult.PASS),
                        tuple("CONTRACT_TYPE", CriterionResult.PASS),
                        tuple("EMPLOYER_SECTOR", CriterionResult.PASS),
                        tuple("SALARY_CEILING", CriterionResult.PASS),
                        tuple("APPLICATION_WINDOW", CriterionResult.PASS),
                        tuple("DISTANCE_OR_DOUBLE_RENT", CriterionResult.PASS));
        assertThat(criterion(decision, "AGE_UNDER_30").getExplanation())
                .isEqualTo("24 ans au 15/03/2025 : condition d'âge remplie (< 30 ans).");
        assertThat(criterion(decision, "APPLICATION_WINDOW").getThreshold()).isEqualTo("du 15/10/2024 au 15/06/2025");
        assertThat(decision.getSummary()).isEqualTo("Éligible à Mobili-Jeune : les 6 critères vérifiés sont remplis ;"
                + " le montant (de " + eur("10,00") + " à " + eur("100,00") + " par mois) dépend de l'aide au logement et"
                + " sera calculé par"
                + " Action Logement.");
        // the amount depends on the housing benefit, which the hub does not know
        assertThat(decision.getMonthlyAmountCents()).isNull();
        assertThat(decision.getTotalAmountCents()).isNull();
        assertThat(decision.getMissingInputs()).isEmpty();
    }

    @Test
    void a_refusal_summary_names_the_failed_criterion_and_the_value_seen() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(apprentice().grossSalary("2200.00").build(),
                DECIDED_AT), MOBILI_JEUNE);

        assertThat(decision.getSummary())
                .isEqualTo("Non éligible à Mobili-Jeune : critère non rempli : plafond de salaire (" + eur("2 200,00") + ").");
        assertThat(criterion(decision, "SALARY_CEILING").getExplanation()).isEqualTo(
                "Salaire brut de " + eur("2 200,00") + " : au-dessus du plafond de " + eur("2 162,16")
                        + " (120 % du SMIC).");
    }

    @Test
    void missing_inputs_are_the_canonical_field_paths_the_rules_needed() {
        EligibilityDecision decision = ENGINE.decide(referral().appliedOn(APPLIED).status(SALARIE)
                .requesting(MOBILI_JEUNE, VISALE).build(), DECIDED_AT);

        ProgrammeDecision mobiliJeune = decisionFor(decision, MOBILI_JEUNE);
        assertThat(mobiliJeune.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(mobiliJeune.getMissingInputs()).containsExactly(
                "person.birthDate",
                "employment.contract.type",
                "employment.contract.employerSector",
                "employment.contract.grossMonthlySalaryCents",
                "employment.contract.startDate",
                "employment.contract.homeToWorkDistanceKm",
                "employment.contract.homeToWorkTravelMinutes",
                "targetHousing.doubleRent");
        assertThat(mobiliJeune.getSummary()).startsWith("Éligibilité à Mobili-Jeune à confirmer : informations "
                + "manquantes pour les critères âge, type de contrat,");
        assertThat(decisionFor(decision, VISALE).getMissingInputs())
                .containsExactly("person.birthDate", "targetHousing.monthlyRentCents");
    }

    @Test
    void visale_over_30_with_only_a_gross_salary_asks_for_the_net_one() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(referral().appliedOn(APPLIED)
                .bornOn(LocalDate.of(1985, 1, 1)).status(SALARIE)
                .contract(CDI, PRIVE_NON_AGRICOLE, LocalDate.of(2015, 3, 1)).grossSalary("1700.00")
                .rent("600.00", "59").requesting(VISALE).build(), DECIDED_AT), VISALE);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(decision.getMissingInputs()).containsExactly("employment.contract.netMonthlySalaryCents");
        assertThat(criterion(decision, "AGE_OR_WORK_SITUATION").getExplanation())
                .contains("le salaire brut de " + eur("1 700,00") + " n'est pas converti en net");
    }

    @Test
    void cej_asks_whether_a_course_is_followed_instead_of_assuming_none() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(referral().appliedOn(APPLIED)
                .bornOn(LocalDate.of(2005, 1, 1)).status(DEMANDEUR_EMPLOI).requesting(CEJ).build(), DECIDED_AT), CEJ);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(decision.getMissingInputs()).containsExactly("employment.inEducationOrTraining");
        CriterionCheck neet = criterion(decision, "NOT_IN_EMPLOYMENT_EDUCATION_OR_TRAINING");
        assertThat(neet.getVerdict()).isEqualTo(CriterionResult.UNKNOWN);
        assertThat(neet.getExplanation()).doesNotContain("condition remplie").contains("à préciser");
    }

    @Test
    void emile_names_the_contract_facts_it_needs() {
        TestReferral employed = referral().appliedOn(APPLIED).bornOn(LocalDate.of(1990, 1, 1)).livingIn("93066", "93")
                .housing(HousingSituation.HEBERGE_TIERS).workPermit(true).willingToMove(true).desiring("15")
                .status(SALARIE).requesting(EMILE);

        ProgrammeDecision noEnd = decisionFor(ENGINE.decide(employed.contract(CDD, PRIVE_NON_AGRICOLE,
                LocalDate.of(2025, 1, 1)).build(), DECIDED_AT), EMILE);
        ProgrammeDecision sixMonths = decisionFor(ENGINE.decide(employed.contractEnd(LocalDate.of(2025, 6, 30))
                .build(), DECIDED_AT), EMILE);

        assertThat(noEnd.getMissingInputs())
                .containsExactly("employment.contract.endDate", "employment.contract.partTime");
        assertThat(sixMonths.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(sixMonths.getMissingInputs()).containsExactly("employment.contract.partTime");
        assertThat(criterion(sixMonths, "EMPLOYMENT_SITUATION").getExplanation())
                .contains("contrat de 6 mois ou plus").contains("temps de travail");
    }

    @Test
    void emile_asks_for_the_will_to_move_and_offers_the_host_departements() {
        TestReferral hosted = referral().appliedOn(APPLIED).bornOn(LocalDate.of(1990, 1, 1)).livingIn("69266", "69")
                .housing(HousingSituation.HEBERGE_TIERS).workPermit(true).status(DEMANDEUR_EMPLOI).requesting(EMILE);

        ProgrammeDecision unstated = decisionFor(ENGINE.decide(hosted.build(), DECIDED_AT), EMILE);
        ProgrammeDecision elsewhere = decisionFor(ENGINE.decide(hosted.willingToMove(true).desiring("13", "33")
                .build(), DECIDED_AT), EMILE);
        ProgrammeDecision cantal = decisionFor(ENGINE.decide(hosted.desiring("13", "15").build(), DECIDED_AT), EMILE);

        assertThat(unstated.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(unstated.getMissingInputs()).containsExactly("person.willingToMove", "desiredDepartements");
        assertThat(criterion(unstated, "HOST_DEPARTEMENT").getExplanation())
                .contains("01, 03, 15, 18, 36, 48, 49, 73, 76");
        assertThat(criterion(unstated, "HOME_TERRITORY").getExplanation())
                .isEqualTo("Réside dans la Métropole de Lyon (commune 69266) : condition remplie.");
        assertThat(elsewhere.getOutcome()).isEqualTo(EligibilityOutcome.NOT_ELIGIBLE);
        assertThat(criterion(elsewhere, "HOST_DEPARTEMENT").getExplanation()).isEqualTo("Départements souhaités 13, "
                + "33 : aucun n'accueille EMILE ; départements d'accueil à proposer à la personne : 01, 03, 15, 18, 36, "
                + "48, 49, 73, 76.");
        assertThat(cantal.getOutcome()).isEqualTo(EligibilityOutcome.ELIGIBLE);
        assertThat(criterion(cantal, "HOST_DEPARTEMENT").getExplanation())
                .isEqualTo("Départements souhaités 13, 15 : 15 accueille EMILE, condition remplie.");
    }

    @Test
    void mobili_jeune_takes_a_long_journey_to_work_when_the_distance_is_short() {
        ProgrammeDecision journey = decisionFor(ENGINE.decide(apprentice().distanceKm(50).travelMinutes(55).build(),
                DECIDED_AT), MOBILI_JEUNE);
        ProgrammeDecision unknown = decisionFor(ENGINE.decide(apprentice().distanceKm(50).build(), DECIDED_AT),
                MOBILI_JEUNE);

        CriterionCheck move = criterion(journey, "DISTANCE_OR_DOUBLE_RENT");
        assertThat(move.getVerdict()).isEqualTo(CriterionResult.PASS);
        assertThat(move.getThreshold()).isEqualTo("> 70 km ou > 40 min de trajet, ou double loyer");
        assertThat(move.getExplanation()).isEqualTo("Lieu de travail à 55 min de trajet du domicile actuel, le nouveau "
                + "logement étant pris près du travail : plus de 40 min, condition remplie.");
        assertThat(unknown.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(unknown.getMissingInputs()).containsExactly("employment.contract.homeToWorkTravelMinutes");
        assertThat(criterion(unknown, "DISTANCE_OR_DOUBLE_RENT").getExplanation()).isEqualTo("50 km, temps de trajet "
                + "inconnu, pas de double loyer : à préciser, une seule des trois conditions suffit : temps de trajet.");
    }

    @Test
    void mobili_jeune_with_only_a_net_salary_asks_for_the_gross_one() {
        // A landlord's channel may send only the net salary: never compared with the gross ceiling, nor converted.
        ProgrammeDecision decision = decisionFor(ENGINE.decide(apprentice().grossSalary(null).netSalary("1100.00")
                .build(), DECIDED_AT), MOBILI_JEUNE);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NEEDS_INFORMATION);
        assertThat(decision.getMissingInputs()).containsExactly("employment.contract.grossMonthlySalaryCents");
        CriterionCheck salary = criterion(decision, "SALARY_CEILING");
        assertThat(salary.getVerdict()).isEqualTo(CriterionResult.UNKNOWN);
        assertThat(salary.getValue()).isNull();
        assertThat(salary.getThreshold()).startsWith("<= " + eur("2 162,16") + " (120 % du SMIC");
        assertThat(salary.getExplanation()).contains("Seul le salaire net est connu")
                .contains("salaire brut mensuel à préciser");
    }

    @Test
    void seasonal_aid_gives_the_monthly_amount_and_no_total_without_contract_end() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(referral().appliedOn(APPLIED)
                .bornOn(LocalDate.of(2003, 3, 4)).status(SAISONNIER)
                .contract(SAISONNIER_AGRICOLE, AGRICOLE, APPLIED.minusMonths(2))
                .requesting(AIDE_SAISONNIERS_AGRICOLES).build(), DECIDED_AT), AIDE_SAISONNIERS_AGRICOLES);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.ELIGIBLE);
        assertThat(decision.getMonthlyAmountCents()).isEqualTo(15_000L);
        assertThat(decision.getTotalAmountCents()).isNull();
        assertThat(decision.getSummary())
                .contains(eur("150,00") + " par mois pendant 4 mois au plus (" + eur("600,00") + ")");
    }

    /**
     * "Once more, in another calendar year": the season of a contract started 2025-01-15 counts for 2025, against
     * the aids the hub found the same person eligible for on other referrals.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("earlierSeasonalAids")
    void seasonal_aid_is_given_once_more_only_in_another_calendar_year(String label, List<EarlierAid> earlier,
                                                                        EligibilityOutcome expected, String because) {
        ReferralEvent event = referral().appliedOn(APPLIED).bornOn(LocalDate.of(2003, 3, 4)).status(SAISONNIER)
                .contract(SAISONNIER_AGRICOLE, AGRICOLE, APPLIED.minusMonths(2))
                .requesting(AIDE_SAISONNIERS_AGRICOLES).build();
        ProgrammeDecision decision = decisionFor(ENGINE.decide(event, DECIDED_AT, earlier), AIDE_SAISONNIERS_AGRICOLES);

        assertThat(decision.getOutcome()).as(label).isEqualTo(expected);
        assertThat(criterion(decision, "ONCE_MORE_IN_ANOTHER_YEAR").getExplanation()).as(label).contains(because)
                .as("no other referral is named to the decision's readers").doesNotContain("other-");
    }

    static Stream<Arguments> earlierSeasonalAids() {
        return Stream.of(
                Arguments.of("none known", List.of(), EligibilityOutcome.ELIGIBLE, "sur aucune autre orientation"),
                Arguments.of("one, the year before", List.of(seasonal(2024, "other-1")), EligibilityOutcome.ELIGIBLE,
                        "une seconde aide est possible pour 2025"),
                Arguments.of("one, the same year", List.of(seasonal(2025, "other-1")), EligibilityOutcome.NOT_ELIGIBLE,
                        "pour une saison de 2025"),
                Arguments.of("two, in two other years", List.of(seasonal(2023, "other-1"), seasonal(2024, "other-2")),
                        EligibilityOutcome.NOT_ELIGIBLE, "deux saisons (2023 et 2024)"),
                Arguments.of("another programme's aid", List.of(new EarlierAid(Programme.VISALE, 2025, "other-1")),
                        EligibilityOutcome.ELIGIBLE, "sur aucune autre orientation"));
    }

    private static EarlierAid seasonal(int year, String referralId) {
        return new EarlierAid(AIDE_SAISONNIERS_AGRICOLES, year, referralId);
    }

    @Test
    void an_eligible_seasonal_aid_is_remembered_under_its_season_and_nothing_else_is() {
        ReferralEvent seasonal = referral().appliedOn(APPLIED).bornOn(LocalDate.of(2003, 3, 4)).status(SAISONNIER)
                .contract(SAISONNIER_AGRICOLE, AGRICOLE, LocalDate.of(2024, 12, 20))
                .requesting(AIDE_SAISONNIERS_AGRICOLES).build();
        assertThat(ENGINE.aidsToRemember(seasonal, ENGINE.decide(seasonal, DECIDED_AT)))
                .as("the season's year is the contract start's, not the application's")
                .containsExactly(new EarlierAid(AIDE_SAISONNIERS_AGRICOLES, 2024, seasonal.getReferralId()));

        ReferralEvent tooLate = referral().appliedOn(APPLIED).status(SAISONNIER)
                .contract(SAISONNIER_AGRICOLE, AGRICOLE, APPLIED.minusYears(1))
                .requesting(AIDE_SAISONNIERS_AGRICOLES).build();
        assertThat(ENGINE.aidsToRemember(tooLate, ENGINE.decide(tooLate, DECIDED_AT))).as("not eligible").isEmpty();
    }

    @Test
    void an_amount_is_only_given_to_an_eligible_person() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(referral().appliedOn(APPLIED)
                .status(SAISONNIER).contract(SAISONNIER_AGRICOLE, AGRICOLE, APPLIED.minusYears(1))
                .requesting(AIDE_SAISONNIERS_AGRICOLES).build(), DECIDED_AT), AIDE_SAISONNIERS_AGRICOLES);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NOT_ELIGIBLE);
        assertThat(decision.getMonthlyAmountCents()).isNull();
    }

    @Test
    void mobili_pass_is_not_available_and_says_since_when() {
        ProgrammeDecision decision = decisionFor(ENGINE.decide(referral().appliedOn(APPLIED)
                .requesting(MOBILI_PASS).build(), DECIDED_AT), MOBILI_PASS);

        assertThat(decision.getOutcome()).isEqualTo(EligibilityOutcome.NOT_AVAILABLE);
        assertThat(decision.getCriteria()).extracting(CriterionCheck::getCode, CriterionCheck::getVerdict,
                CriterionCheck::getValue, CriterionCheck::getThreshold)
                .containsExactly(tuple("PROGRAMME_OPEN", CriterionResult.FAIL, "demande du 15/03/2025",
                        "demande au plus tard le 30/06/2023"));
        assertThat(decision.getSummary()).isEqualTo("L'aide Mobili-Pass n'est pas disponible à la date de la demande"
                + " : plus aucune demande n'est acceptée après le 30/06/2023.");
    }

    @Test
    void decides_requested_programmes_then_those_the_needs_suggest() {
        EligibilityDecision decision = ENGINE.decide(referral().appliedOn(APPLIED).status(DEMANDEUR_EMPLOI)
                .requesting(CEJ, VISALE).needs(Need.EMPLOI, Need.MOBILITE, Need.LOGEMENT).build(), DECIDED_AT);

        assertThat(decision.getProgrammes())
                .extracting(ProgrammeDecision::getProgramme, ProgrammeDecision::getRequested)
                .containsExactly(tuple(CEJ, true), tuple(VISALE, true), tuple(MOBILI_JEUNE, false));
    }

    @Test
    void needs_other_than_housing_or_mobility_suggest_nothing() {
        EligibilityDecision decision = ENGINE.decide(referral().appliedOn(APPLIED).status(DEMANDEUR_EMPLOI)
                .needs(Need.EMPLOI, Need.FORMATION, Need.SANTE).build(), DECIDED_AT);

        assertThat(decision.getProgrammes()).isEmpty();
    }

    @Test
    void every_criterion_has_a_french_explanation_and_every_decision_one_sentence() {
        EligibilityDecision decision = ENGINE.decide(referral().appliedOn(APPLIED).bornOn(LocalDate.of(1999, 1, 1))
                .status(DEMANDEUR_EMPLOI).requesting(Programme.values()).build(), DECIDED_AT);

        assertThat(decision.getProgrammes()).hasSize(Programme.values().length);
        assertThat(decision.getProgrammes()).allSatisfy(programme -> {
            assertThat(programme.getSummary()).endsWith(".").doesNotContain("null");
            assertThat(programme.getCriteria()).isNotEmpty().allSatisfy(criterion -> {
                assertThat(criterion.getExplanation()).isNotBlank().endsWith(".").doesNotContain("null");
                assertThat(criterion.getThreshold()).isNotBlank();
            });
        });
    }

    @Test
    void the_decision_is_a_valid_avro_record() throws Exception {
        EligibilityDecision decision = ENGINE.decide(apprentice().requesting(VISALE, MOBILI_PASS).build(),
                DECIDED_AT);

        EligibilityDecision roundTrip = EligibilityDecision.fromByteBuffer(decision.toByteBuffer());

        assertThat(roundTrip).isEqualTo(decision);
    }

    @Test
    void refuses_a_cancellation_and_an_event_without_person() {
        assertThatThrownBy(() -> ENGINE.decide(apprentice().eventType(ReferralEventType.CANCELLED).build(),
                DECIDED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cancellation");
        assertThatThrownBy(() -> ENGINE.decide(apprentice().withoutPerson().build(), DECIDED_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no person");
    }

    @Test
    void an_update_is_decided_like_a_creation() {
        EligibilityDecision created = ENGINE.decide(apprentice().build(), DECIDED_AT);
        EligibilityDecision updated = ENGINE.decide(apprentice().eventType(ReferralEventType.UPDATED).build(),
                DECIDED_AT);

        assertThat(updated.getProgrammes()).isEqualTo(created.getProgrammes());
    }

    @Test
    void refuses_a_date_no_rule_set_covers() {
        assertThatThrownBy(() -> ENGINE.decide(apprentice().appliedOn(LocalDate.of(2023, 6, 30)).build(), DECIDED_AT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2023-06-30")
                .hasMessageContaining("eligibility/rule-sets.yaml");
    }

    @Test
    void refuses_rule_sets_that_leave_open_a_programme_without_rule(@TempDir Path dir) throws Exception {
        String bundled = new String(EligibilityEngine.class.getClassLoader()
                .getResourceAsStream(EligibilityEngine.BUNDLED_RULE_SETS).readAllBytes(), StandardCharsets.UTF_8);
        Path file = dir.resolve("mobili-pass-reopened.yaml");
        String reopenedInLastRuleSet = bundled.replace("    closedProgrammes:\n      MOBILI_PASS:\n"
                + "        lastApplicationDate: 2023-06-30\n", "");
        assertThat(reopenedInLastRuleSet).isNotEqualTo(bundled);
        Files.writeString(file, reopenedInLastRuleSet);
        RuleSetCatalogue reopened = EligibilityEngine.ruleSetLoader().loadFromFile(file);

        assertThatThrownBy(() -> new EligibilityEngine(reopened))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MOBILI_PASS")
                .hasMessageContaining("mobili-pass-reopened.yaml");
    }
}
