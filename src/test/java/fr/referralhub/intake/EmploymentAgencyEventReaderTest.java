package fr.referralhub.intake;

import java.util.List;
import fr.referralhub.api.FieldError;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.partners.PartnerAccessDeniedException;
import fr.referralhub.partners.Partner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.avro.HousingSituation;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmploymentAgencyEventReaderTest {

    private static final String MOBILI_JEUNE = "employment-agency/ft-orientation-mobili-jeune.json";
    static final Partner FRANCE_TRAVAIL_93 = new Partner("france-travail-93", "France Travail 93",
            PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "employment-agency-json-v1", true,
            List.of("FT-93-SAINT-DENIS", "FT-93-MONTREUIL"), List.of());
    private final EmploymentAgencyEventReader reader = new EmploymentAgencyEventReader(new ObjectMapper());

    @Test
    void shouldMapTheSampleToTheCanonicalDraftWithoutIdentity() {
        PartnerEvent event = reader.read(Samples.bytes(MOBILI_JEUNE), FRANCE_TRAVAIL_93);
        ReferralEvent draft = event.draft();

        assertThat(event.partnerId()).isEqualTo("france-travail-93");
        assertThat(draft.getSource().getStructureCode()).isEqualTo("FT-93-SAINT-DENIS");
        assertThat(event.partnerEventId()).isEqualTo("FT-93066-2026-11-000123");
        assertThat(draft.getEventType()).isEqualTo(ReferralEventType.CREATED);
        assertThat(draft.getPerson().getBirthDate()).isEqualTo(LocalDate.of(2002, 4, 12));
        assertThat(draft.getPerson().getHousingSituation()).isEqualTo(HousingSituation.HEBERGE_TIERS);
        assertThat(draft.getEmployment().getContract().getHomeToWorkDistanceKm()).isEqualTo(520);
        assertThat(draft.getTargetHousing().getMonthlyRentCents()).isEqualTo(45_000L);
        assertThat(draft.getPersonInformed()).isTrue();
        assertThat(event.identifiers().nir()).isPresent();
        assertThat(draft.toString()).doesNotContain("202049306615471", "DUPONT", "lea.dupont", "+33612345678");
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "\"idEvenement\": \"FT-93066-2026-11-000123\"  | \"idEvenement\": 42                        | idEvenement                            | must be a string",
            "\"modeHebergement\": \"HEBERGE_TIERS\"         | \"modeHebergement\": \"CHATEAU\"            | beneficiaire.modeHebergement           | must be one of",
            "\"dateNaissance\": \"2002-04-12\"              | \"dateNaissance\": \"2026-02-31\"           | beneficiaire.dateNaissance             | existing date",
            "\"dateNaissance\": \"2002-04-12\"              | \"dateNaissance\": \"12/04/2002\"           | beneficiaire.dateNaissance             | YYYY-MM-DD",
            "\"salaireBrutMensuel\": 1400.00                | \"salaireBrutMensuel\": \"1400\"            | situation.contrat.salaireBrutMensuel   | must be a number",
            "\"salaireBrutMensuel\": 1400.00                | \"salaireBrutMensuel\": 1400.005            | situation.contrat.salaireBrutMensuel   | at most 2 decimals",
            "\"distanceDomicileKm\": 520                    | \"distanceDomicileKm\": -3                  | situation.contrat.distanceDomicileKm   | between 0 and",
            "\"dateDebut\": \"2026-09-01\"                  | \"dateDebut\": \"2026-09-01\", \"dateFin\": \"2026-08-31\" | situation.contrat.dateFin | not be before",
            "\"distanceDomicileKm\": 520                    | \"distanceDomicileKm\": 520, \"dureeTrajetMinutes\": 45.5 | situation.contrat.dureeTrajetMinutes | whole number",
            "\"autorisationTravail\": true                  | \"autorisationTravail\": true, \"volontaireMobilite\": \"oui\" | beneficiaire.volontaireMobilite | true or false",
            "\"horodatage\": \"2026-11-20T09:15:00+01:00\"  | \"horodatage\": \"2026-11-20 09:15\"        | horodatage                             | ISO-8601",
            "\"beneficiaireInforme\": true                  | \"beneficiaireInforme\": \"oui\"            | information.beneficiaireInforme        | true or false",
            "\"nir\": \"202049306615471\"                   | \"nir\": \"2,02049E+14\"                    | beneficiaire.nir                       | scientific notation",
            "\"freins\": [\"LOGEMENT\", \"MOBILITE\"]       | \"freins\": [\"LOGEMENT\", \"TRANSPORT\"]   | freins[1]                              | must be one of",
    })
    void shouldRefuseABadFieldWithItsPathAndReason(String original, String replacement, String field, String reason) {
        byte[] body = Samples.text(MOBILI_JEUNE).replace(original.strip(), replacement.strip()).getBytes(StandardCharsets.UTF_8);
        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.kind()).isEqualTo(Kind.INVALID);
        assertThat(refusal.errors()).anySatisfy(error -> {
            assertThat(error.field()).isEqualTo(field.strip());
            assertThat(error.reason()).contains(reason.strip());
        });
    }

    /** Optional fields the sample does not send: absent they stay unknown, sent they are carried on. */
    @Test
    void shouldMapTheWillToMoveAndTheTravelTimeWhenSent() {
        ReferralEvent without = reader.read(Samples.bytes(MOBILI_JEUNE), FRANCE_TRAVAIL_93).draft();
        byte[] body = Samples.text(MOBILI_JEUNE)
                .replace("\"autorisationTravail\": true", "\"autorisationTravail\": true, \"volontaireMobilite\": true")
                .replace("\"distanceDomicileKm\": 520", "\"distanceDomicileKm\": 520, \"dureeTrajetMinutes\": 45")
                .getBytes(StandardCharsets.UTF_8);
        ReferralEvent with = reader.read(body, FRANCE_TRAVAIL_93).draft();

        assertThat(without.getPerson().getWillingToMove()).isNull();
        assertThat(without.getEmployment().getContract().getHomeToWorkTravelMinutes()).isNull();
        assertThat(with.getPerson().getWillingToMove()).isTrue();
        assertThat(with.getEmployment().getContract().getHomeToWorkTravelMinutes()).isEqualTo(45);
    }

    @Test
    void shouldRefuseAnEventForAStructureThatIsNotThePartners() {
        byte[] body = Samples.text(MOBILI_JEUNE).replace("FT-93-SAINT-DENIS", "ML-MARSEILLE").getBytes(StandardCharsets.UTF_8);

        PartnerAccessDeniedException denial = catchThrowableOfType(PartnerAccessDeniedException.class,
                () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(denial.status()).isEqualTo(403);
        assertThat(denial.getMessage()).contains("ML-MARSEILLE");
    }

    @Test
    void shouldRequireTheOriginOfACancellation() {
        byte[] body = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("\"idEvenementOrigine\": \"FT-93066-2026-11-000123\",", "").getBytes(StandardCharsets.UTF_8);

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(refusal.errors()).extracting(FieldError::field).containsExactly("idEvenementOrigine");
    }

    @Test
    void shouldTakeACancellationReasonAsACodeNotFreeText() {
        byte[] body = Samples.text("employment-agency/ft-orientation-annulee.json")
                .replace("\"motif\": \"DOUBLON\"", "\"motif\": \"Mme Dupont a déménagé\"").getBytes(StandardCharsets.UTF_8);

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(refusal.errors()).extracting(FieldError::field).containsExactly("motif");
        assertThat(refusal.errors().get(0).reason()).doesNotContain("Dupont");
    }

    @Test
    void shouldNotCarryAHealthNeedOnTheSharedRecord() {
        byte[] body = Samples.text(MOBILI_JEUNE).replace("\"freins\": [\"LOGEMENT\", \"MOBILITE\"]",
                "\"freins\": [\"LOGEMENT\", \"SANTE\", \"MOBILITE\"]").getBytes(StandardCharsets.UTF_8);

        assertThat(reader.read(body, FRANCE_TRAVAIL_93).draft().getNeeds()).containsExactly(Need.LOGEMENT, Need.MOBILITE);
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8AsMalformed() {
        byte[] body = Samples.bytes(MOBILI_JEUNE);
        body[40] = (byte) 0xC3;
        body[41] = (byte) 0x28;

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(refusal.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refusal.errors().get(0).reason()).contains("UTF-8");
    }

    @Test
    void shouldRefuseABodyTooLargeToBeOneEvent() {
        byte[] body = new byte[EmploymentAgencyEventReader.MAX_BYTES + 1];
        Arrays.fill(body, (byte) ' ');

        assertThat(catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93)).kind())
                .isEqualTo(Kind.TOO_LARGE);
    }

    @Test
    void shouldSayWhereTheJsonBreaks() {
        byte[] body = "{\"idEvenement\": \"x\",\n \"typeEvenement\": }".getBytes(StandardCharsets.UTF_8);

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(body, FRANCE_TRAVAIL_93));

        assertThat(refusal.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refusal.errors().get(0).reason()).contains("line 2");
    }
}
