package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.intake.TrainingBodyCsvReader.CsvFile;
import fr.referralhub.intake.TrainingBodyCsvReader.Row;
import fr.referralhub.partners.Partner;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;

class TrainingBodyCsvReaderTest {

    static final String SAMPLE = "training-body/cfa-btp-lyon-2026-11-18.csv";
    static final Partner CFA_BTP_LYON = new Partner("cfa-btp-lyon", "CFA BTP Lyon", PartnerKind.TRAINING_BODY,
            IntakeChannel.CSV_FILE, TrainingBodyCsvReader.FORMAT, true, List.of("13002526500013"), List.of());

    private final TrainingBodyCsvReader reader = new TrainingBodyCsvReader();

    @Test
    void shouldReadTheSampleRowByRowAndMapValidRowsToCanonicalDrafts() {
        CsvFile file = reader.open(Samples.bytes(SAMPLE));

        assertThat(file.rows()).extracting(Row::number).containsExactly(2, 3, 4, 5);
        PartnerEvent hugo = reader.read(file.rows().get(0), CFA_BTP_LYON);
        ReferralEvent draft = hugo.draft();
        assertThat(hugo.partnerId()).isEqualTo("cfa-btp-lyon");
        assertThat(hugo.partnerEventId()).isEqualTo("CFA-BTP-2026-0042");
        assertThat(draft.getEventType()).isEqualTo(ReferralEventType.CREATED);
        assertThat(draft.getSource().getPartnerKind()).isEqualTo(PartnerKind.TRAINING_BODY);
        assertThat(draft.getSource().getChannel()).isEqualTo(IntakeChannel.CSV_FILE);
        assertThat(draft.getSource().getStructureCode()).isEqualTo("13002526500013");
        assertThat(draft.getOccurredAt()).isEqualTo(Instant.parse("2026-11-18T11:00:00Z"));
        assertThat(draft.getPerson().getBirthDate()).isEqualTo(LocalDate.of(2005, 7, 3));
        assertThat(draft.getPerson().getHomeDepartement()).isEqualTo("75");
        assertThat(draft.getPerson().getPersonReferenceBasis()).isEqualTo(PersonReferenceBasis.NONE);
        assertThat(draft.getEmployment().getStatus()).isEqualTo(EmploymentStatus.APPRENTI);
        assertThat(draft.getEmployment().getInEducationOrTraining()).isTrue();
        assertThat(draft.getEmployment().getContract().getType()).isEqualTo(ContractType.APPRENTISSAGE);
        assertThat(draft.getEmployment().getContract().getGrossMonthlySalaryCents()).isEqualTo(105_045L);
        assertThat(draft.getEmployment().getContract().getStartDate()).isEqualTo(LocalDate.of(2026, 9, 1));
        assertThat(draft.getEmployment().getContract().getHomeToWorkDistanceKm()).isEqualTo(465);
        assertThat(draft.getTargetHousing().getMonthlyRentCents()).isEqualTo(52_000L);
        assertThat(draft.getTargetHousing().getDoubleRent()).isFalse();
        assertThat(draft.getNeeds()).containsExactly(Need.LOGEMENT, Need.MOBILITE);
        assertThat(draft.getRequestedProgrammes()).containsExactly(Programme.MOBILI_JEUNE, Programme.VISALE);
        assertThat(draft.getPersonInformed()).isTrue();
        // The NIR with spaces is recognised (it keys the person reference) but never put in the draft; no names.
        assertThat(hugo.identifiers().nir()).isPresent();
        assertThat(draft.toString()).doesNotContain("MARTIN", "Hugo", "123 63", "105077505612363");

        assertThat(reader.read(file.rows().get(1), CFA_BTP_LYON).partnerEventId()).isEqualTo("CFA-BTP-2026-0043");
        PartnerEvent emma = reader.read(file.rows().get(3), CFA_BTP_LYON);
        assertThat(emma.partnerEventId()).isEqualTo("CFA-BTP-2026-0045");
        assertThat(emma.identifiers().nir()).isEmpty();
        assertThat(emma.draft().getEmployment().getStatus()).isEqualTo(EmploymentStatus.SAISONNIER);
        assertThat(emma.draft().getTargetHousing().getMonthlyRentCents()).isNull();
    }

    @Test
    void shouldRefuseTheRowWhoseNirASpreadsheetTurnedIntoANumber() {
        Row lucas = reader.open(Samples.bytes(SAMPLE)).rows().get(2);

        InvalidPartnerEventException refusal = refuse(lucas);
        // Row 4 as the partner sees it in a spreadsheet (the header is row 1).
        assertThat(lucas.number()).isEqualTo(4);
        assertThat(refusal.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("nir");
            assertThat(error.reason()).contains("scientific notation").doesNotContain("2,00029E+14");
        });
    }

    @Test
    void shouldRefuseTheWholeFileWhenARequiredColumnIsMissing() {
        String withoutNir = Samples.text(SAMPLE).replace(";nir;", ";numero_secu;");

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class,
                () -> reader.open(withoutNir.getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refusal.errors()).extracting(FieldError::field).containsExactly("nir");
        assertThat(refusal.errors().get(0).reason()).contains("missing");
    }

    @Test
    void shouldIgnoreColumnsWithoutANameAsASpreadsheetAddsThem() {
        String[] lines = Samples.text(SAMPLE).split("\n", 2);
        String withEmptyColumns = lines[0].strip() + ";;\n"
                + lines[1].lines().map(row -> row + ";x;").reduce("", (a, b) -> a + b + "\n");

        CsvFile file = reader.open(withEmptyColumns.getBytes(StandardCharsets.UTF_8));

        assertThat(reader.read(file.rows().get(1), CFA_BTP_LYON).partnerEventId()).isEqualTo("CFA-BTP-2026-0043");
    }

    @Test
    void shouldRefuseAFileWithCancellationColumnsRatherThanCreateReferralsFromIt() {
        String[] lines = Samples.text(SAMPLE).split("\n", 2);
        String cancelling = lines[0].strip() + ";type_evenement;id_evenement_origine;motif\n"
                + lines[1].lines().map(row -> row + ";ANNULATION;CFA-BTP-2026-0001;").reduce("", (a, b) -> a + b + "\n");

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class,
                () -> reader.open(cancelling.getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refusal.errors()).extracting(FieldError::field)
                .containsExactly("type_evenement", "id_evenement_origine", "motif");
        assertThat(refusal.errors().get(2).reason()).contains("every row creates a referral").contains("reason code");
    }

    @Test
    void shouldRefuseOnlyTheRowWithAnExtraSeparator() {
        String text = Samples.text(SAMPLE).replace("MARTIN;Hugo", "MARTIN;;Hugo");
        CsvFile file = reader.open(text.getBytes(StandardCharsets.UTF_8));

        InvalidPartnerEventException refusal = refuse(file.rows().get(0));
        assertThat(refusal.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("(row)");
            assertThat(error.reason()).contains("20 cells", "19 columns");
        });
        assertThat(reader.read(file.rows().get(1), CFA_BTP_LYON).partnerEventId()).isEqualTo("CFA-BTP-2026-0043");
    }

    @Test
    void shouldRefuseImpossibleDatesUnknownCodesAndOtherStructuresWithoutRepeatingValues() {
        String text = Samples.text(SAMPLE)
                .replace("CFA-BTP-2026-0043;18/11/2026;13002526500013", "CFA-BTP-2026-0043;31/02/2026;99999999900001")
                .replace("PROFESSIONNALISATION", "CDI_CHANTIER")
                .replace("LOGEMENT;MOBILI_JEUNE;oui", "LOGEMENT|TELEPORTATION;MOBILI_JEUNE;peut-etre");
        Row ines = reader.open(text.getBytes(StandardCharsets.UTF_8)).rows().get(1);

        InvalidPartnerEventException refusal = refuse(ines);
        assertThat(refusal.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("date_evenement",
                "siret_organisme", "type_contrat", "besoins[1]", "beneficiaire_informe");
        assertThat(refusal.errors()).extracting(FieldError::reason).contains(
                "must be an existing date as DD/MM/YYYY", "structure not allowed: not one of this partner's structures",
                "must be oui or non");
        assertThat(refusal.errors().toString()).doesNotContain("31/02/2026", "99999999900001", "CDI_CHANTIER",
                "TELEPORTATION", "peut-etre");
    }

    @Test
    void shouldReadFrenchAmountsWithAnyThousandsSeparator() {
        String text = Samples.text(SAMPLE).replace("1 050,45", "1\u00A0050,45").replace("2 200,00", "2\u202F200");
        CsvFile file = reader.open(text.getBytes(StandardCharsets.UTF_8));

        assertThat(reader.read(file.rows().get(0), CFA_BTP_LYON).draft().getEmployment().getContract()
                .getGrossMonthlySalaryCents()).isEqualTo(105_045L);
        assertThat(reader.read(file.rows().get(1), CFA_BTP_LYON).draft().getEmployment().getContract()
                .getGrossMonthlySalaryCents()).isEqualTo(220_000L);
        String decimalPoint = Samples.text(SAMPLE).replace("1 050,45", "1050.45");
        assertThat(refuse(reader.open(decimalPoint.getBytes(StandardCharsets.UTF_8)).rows().get(0)).errors())
                .extracting(FieldError::field).containsExactly("salaire_brut_mensuel");
    }

    /** The travel time to work is an optional column: the sample has none, a file may add it at the end. */
    @Test
    void shouldReadTheOptionalTravelTimeColumn() {
        assertThat(reader.read(reader.open(Samples.bytes(SAMPLE)).rows().get(0), CFA_BTP_LYON).draft()
                .getEmployment().getContract().getHomeToWorkTravelMinutes()).isNull();
        String[] lines = Samples.text(SAMPLE).split("\r?\n");
        StringBuilder withColumn = new StringBuilder(lines[0]).append(";duree_trajet_minutes\n");
        for (int i = 1; i < lines.length; i++) {
            withColumn.append(lines[i]).append(i == 1 ? ";55" : i == 2 ? ";une heure" : ";").append('\n');
        }
        CsvFile file = reader.open(withColumn.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(reader.read(file.rows().get(0), CFA_BTP_LYON).draft().getEmployment().getContract()
                .getHomeToWorkTravelMinutes()).isEqualTo(55);
        assertThat(refuse(file.rows().get(1)).errors()).extracting(FieldError::field)
                .containsExactly("duree_trajet_minutes");
        assertThat(reader.read(file.rows().get(3), CFA_BTP_LYON).draft().getEmployment().getContract()
                .getHomeToWorkTravelMinutes()).isNull();
    }

    @Test
    void shouldRefuseAFileThatIsNotUtf8() {
        byte[] latin1 = Samples.text(SAMPLE).substring(1).getBytes(StandardCharsets.ISO_8859_1);

        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class,
                () -> reader.open(latin1));
        assertThat(refusal.errors().get(0).reason()).contains("UTF-8");
    }

    private InvalidPartnerEventException refuse(Row row) {
        return catchThrowableOfType(InvalidPartnerEventException.class, () -> reader.read(row, CFA_BTP_LYON));
    }
}
