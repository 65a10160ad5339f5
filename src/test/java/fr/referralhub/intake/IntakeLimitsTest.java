package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The limits every channel holds partner values to (issue 18, "input validation is total"), each tried on both sides:
 * event ids of a safe charset and at most 100 characters, text without control characters or broken Unicode, dates
 * from 1900 to 2100, amounts finite and at most 1,000,000 euros. A sample event is changed in one place; the row
 * says whether it is then accepted or refused, on which field and why.
 */
class IntakeLimitsTest {

    private static final String JSON_SAMPLE = "employment-agency/ft-orientation-mobili-jeune.json";
    private static final String JSON_ID = "FT-93066-2026-11-000123";
    private static final String CSV_ID = "CFA-BTP-2026-0042";
    private static final String XML_ID = "HDF-LOGIS-2026-000902";

    private final EmploymentAgencyEventReader json = new EmploymentAgencyEventReader(new ObjectMapper());
    private final TrainingBodyCsvReader csv = new TrainingBodyCsvReader();
    private final SocialLandlordXmlReader xml = new SocialLandlordXmlReader();

    /**
     * One change to a sample: {@code original} replaced by {@code replacement}; then accepted when {@code field} is
     * null, else refused with a reason on a field starting with {@code field} that contains {@code reason}.
     */
    record Change(String original, String replacement, String field, String reason) {
        static Change accepted(String original, String replacement) {
            return new Change(original, replacement, null, null);
        }

        static Change refused(String original, String replacement, String field, String reason) {
            return new Change(original, replacement, field, reason);
        }

        @Override
        public String toString() {
            // Control characters would garble the test report: shown escaped.
            String shown = replacement.length() > 40 ? replacement.substring(0, 37) + "..." : replacement;
            return shown.chars().mapToObj(c -> c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)
                    ? String.format("\\u%04X", c) : String.valueOf((char) c)).reduce("", String::concat)
                    + (field == null ? " accepted" : " refused on " + field);
        }
    }

    static Stream<Change> jsonChanges() {
        String id = "\"idEvenement\": \"" + JSON_ID + "\"";
        String start = "\"dateDebut\": \"2026-09-01\"";
        String salary = "\"salaireBrutMensuel\": 1400.00";
        String name = "\"libelle\": \"France Travail Saint-Denis\"";
        return Stream.of(
                Change.accepted(id, "\"idEvenement\": \"" + "A".repeat(100) + "\""),
                Change.refused(id, "\"idEvenement\": \"" + "A".repeat(101) + "\"", "idEvenement", "1 to 100"),
                Change.accepted(id, "\"idEvenement\": \"FT:93/2026.11_000-123\""),
                Change.refused(id, "\"idEvenement\": \"FT-93\\r\\nX-Injected: 1\"", "idEvenement", "control characters"),
                Change.refused(id, "\"idEvenement\": \"" + JSON_ID + "\\n\"", "idEvenement", "control characters"),
                Change.refused(id, "\"idEvenement\": \"FT-93 000123\"", "idEvenement", "letters, digits"),
                Change.refused(id, "\"idEvenement\": \"FT-93-\\uD800\"", "idEvenement", "invalid Unicode"),
                Change.refused(id, "\"idEvenement\": \"FT-93-é\"", "idEvenement", "letters, digits"),
                Change.accepted(name, "\"libelle\": \"France Travail Saint-Denis – Pôle 🏠\""),
                Change.refused(name, "\"libelle\": \"France Travail\\u0000\"", "structure.libelle", "control characters"),
                Change.refused(name, "\"libelle\": \"France Travail \\uDC00\"", "structure.libelle", "invalid Unicode"),
                Change.refused(name, "\"libelle\": \"France Travail\\u2028\"", "structure.libelle", "line breaks"),
                Change.accepted(start, "\"dateDebut\": \"2100-12-31\""),
                Change.refused(start, "\"dateDebut\": \"2101-01-01\"", "situation.contrat.dateDebut", "between 1900-01-01 and 2100-12-31"),
                Change.accepted(start, "\"dateDebut\": \"1900-01-01\""),
                Change.refused(start, "\"dateDebut\": \"1899-12-31\"", "situation.contrat.dateDebut", "between 1900-01-01 and 2100-12-31"),
                Change.refused(start, "\"dateDebut\": \"+292278994-08-17\"", "situation.contrat.dateDebut", "YYYY-MM-DD"),
                Change.refused(start, "\"dateDebut\": \"12026-09-01\"", "situation.contrat.dateDebut", "YYYY-MM-DD"),
                Change.refused("\"horodatage\": \"2026-11-20T09:15:00+01:00\"",
                        "\"horodatage\": \"+999999999-12-31T23:59:59-18:00\"", "horodatage", "between 1900-01-01 and 2100-12-31"),
                Change.accepted(salary, "\"salaireBrutMensuel\": 1000000.00"),
                Change.accepted(salary, "\"salaireBrutMensuel\": 1E+6"),
                Change.refused(salary, "\"salaireBrutMensuel\": 1000000.01", "situation.contrat.salaireBrutMensuel", "between 0 and 1000000"),
                Change.refused(salary, "\"salaireBrutMensuel\": 1e400", "situation.contrat.salaireBrutMensuel", "between 0 and 1000000"),
                Change.refused(salary, "\"salaireBrutMensuel\": -1e400", "situation.contrat.salaireBrutMensuel", "between 0 and 1000000"),
                Change.refused(salary, "\"salaireBrutMensuel\": 1e-400", "situation.contrat.salaireBrutMensuel", "at most 2 decimals"),
                Change.accepted(salary, "\"salaireBrutMensuel\": 0"),
                Change.refused(salary, "\"salaireBrutMensuel\": -0.01", "situation.contrat.salaireBrutMensuel", "between 0 and 1000000"),
                Change.refused("\"distanceDomicileKm\": 520", "\"distanceDomicileKm\": 1e400", "situation.contrat.distanceDomicileKm", "whole number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonChanges")
    void shouldHoldJsonValuesToTheirLimits(Change change) {
        check(change, Samples.text(JSON_SAMPLE), body -> json.read(body, EmploymentAgencyEventReaderTest.FRANCE_TRAVAIL_93));
    }

    static Stream<Change> csvChanges() {
        String start = CSV_ID + ";18/11/2026;13002526500013;MARTIN;Hugo;03/07/2005;1 05 07 75 056 123 63;75056;"
                + "APPRENTISSAGE;PRIVE_NON_AGRICOLE;01/09/2026";
        return Stream.of(
                Change.accepted(CSV_ID + ";", "A".repeat(100) + ";"),
                Change.refused(CSV_ID + ";", "A".repeat(101) + ";", "id_evenement", "1 to 100"),
                Change.refused(CSV_ID + ";", "CFA-BTP\u0001-0042;", "id_evenement", "control characters"),
                Change.refused(CSV_ID + ";", CSV_ID + "\t;", "id_evenement", "control characters"),
                Change.refused(CSV_ID + ";", "CFA BTP 0042;", "id_evenement", "letters, digits"),
                Change.accepted(start, start.replace("01/09/2026", "31/12/2100")),
                Change.refused(start, start.replace("01/09/2026", "01/01/2101"), "date_debut_contrat", "between 1900-01-01 and 2100-12-31"),
                Change.accepted(start, start.replace("01/09/2026", "01/01/1900")),
                Change.refused(start, start.replace("01/09/2026", "31/12/1899"), "date_debut_contrat", "between 1900-01-01 and 2100-12-31"),
                Change.refused(start, start.replace("01/09/2026", "17/08/+292278994"), "date_debut_contrat", "DD/MM/YYYY"),
                Change.accepted(";1 050,45;", ";1 000 000,00;"),
                Change.refused(";1 050,45;", ";1 000 000,01;", "salaire_brut_mensuel", "between 0 and 1000000"),
                Change.refused(";1 050,45;", ";" + "9".repeat(150) + ";", "salaire_brut_mensuel", "between 0 and 1000000"),
                Change.refused(";1 050,45;", ";1e400;", "salaire_brut_mensuel", "decimal comma"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("csvChanges")
    void shouldHoldCsvValuesToTheirLimits(Change change) {
        check(change, Samples.text(TrainingBodyCsvReaderTest.SAMPLE),
                file -> csv.read(csv.open(file).rows().get(0), TrainingBodyCsvReaderTest.CFA_BTP_LYON));
    }

    static Stream<Change> xmlChanges() {
        String id = "<identifiant>" + XML_ID + "</identifiant>";
        String name = "nom=\"Logis Hauts-de-France\"";
        return Stream.of(
                Change.accepted(id, "<identifiant>" + "A".repeat(100) + "</identifiant>"),
                Change.refused(id, "<identifiant>" + "A".repeat(101) + "</identifiant>", "orientation/identifiant", "wrong format"),
                Change.refused(id, "<identifiant>HDF&#10;X</identifiant>", "orientation/identifiant", "wrong format"),
                Change.accepted(name, "nom=\"Logis Hauts-de-France – Lille\""),
                Change.refused(name, "nom=\"Logis&#10;Hauts-de-France\"", "orientation/bailleur/@nom", "line breaks"),
                Change.accepted("dateDebut=\"2026-09-15\"", "dateDebut=\"2100-12-31\""),
                Change.refused("dateDebut=\"2026-09-15\"", "dateDebut=\"2101-01-01\"", "orientation/situation/contrat/@dateDebut", "between 1900-01-01 and 2100-12-31"),
                Change.refused("dateDebut=\"2026-09-15\"", "dateDebut=\"1899-12-31\"", "orientation/situation/contrat/@dateDebut", "between 1900-01-01 and 2100-12-31"),
                Change.accepted("salaireNetMensuel=\"1420.00\"", "salaireNetMensuel=\"1000000.00\""),
                Change.refused("salaireNetMensuel=\"1420.00\"", "salaireNetMensuel=\"1000000.01\"", "orientation/situation/contrat", "between 0 and 1000000"),
                Change.refused("salaireNetMensuel=\"1420.00\"", "salaireNetMensuel=\"1e400\"", "orientation/situation/contrat", "wrong type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("xmlChanges")
    void shouldHoldXmlValuesToTheirLimits(Change change) {
        check(change, Samples.text(SocialLandlordXmlReaderTest.SAMPLE_902),
                document -> xml.read(document, SocialLandlordXmlReaderTest.LOGIS_HDF));
    }

    @Test
    void shouldRefuseAnEncodedSurrogateAsInvalidUtf8InEveryChannel() {
        // CESU-8's encoding of U+D800: three bytes Java's lenient decoders would turn into '?' (issue 18: four such
        // "identical" events reached referrals.v1). Refused before anything else is read.
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};

        assertThat(malformed(() -> json.read(withBytes(Samples.text(JSON_SAMPLE), JSON_ID, surrogate),
                EmploymentAgencyEventReaderTest.FRANCE_TRAVAIL_93))).contains("UTF-8");
        assertThat(malformed(() -> csv.open(withBytes(Samples.text(TrainingBodyCsvReaderTest.SAMPLE), CSV_ID, surrogate))))
                .contains("UTF-8");
        assertThat(catchThrowableOfType(InvalidPartnerEventException.class, () -> xml.read(
                withBytes(Samples.text(SocialLandlordXmlReaderTest.SAMPLE_902), XML_ID, surrogate),
                SocialLandlordXmlReaderTest.LOGIS_HDF))).as("refused").isNotNull();
    }

    @Test
    void shouldRefuseAJsonBodyWithMoreThanOneEvent() {
        String sample = Samples.text(JSON_SAMPLE);

        assertThat(malformed(() -> json.read((sample + sample).getBytes(StandardCharsets.UTF_8),
                EmploymentAgencyEventReaderTest.FRANCE_TRAVAIL_93))).contains("not valid JSON");
    }

    private static void check(Change change, String sample, Function<byte[], PartnerEvent> read) {
        assertThat(sample).as("the sample holds what the row changes").contains(change.original());
        byte[] changed = sample.replace(change.original(), change.replacement()).getBytes(StandardCharsets.UTF_8);
        if (change.field() == null) {
            assertThat(read.apply(changed)).isNotNull();
            return;
        }
        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class,
                () -> read.apply(changed));
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.errors()).anySatisfy(error -> {
            assertThat(error.field()).startsWith(change.field());
            assertThat(error.reason()).contains(change.reason());
        });
    }

    private static String malformed(Runnable read) {
        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, read::run);
        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.kind()).isEqualTo(Kind.MALFORMED);
        return refusal.errors().get(0).reason();
    }

    /** The sample's UTF-8 bytes with raw bytes put right after its first occurrence of {@code after}. */
    private static byte[] withBytes(String sample, String after, byte[] raw) {
        int at = sample.indexOf(after) + after.length();
        byte[] head = sample.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = sample.substring(at).getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + raw.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(raw, 0, all, head.length, raw.length);
        System.arraycopy(tail, 0, all, head.length + raw.length, tail.length);
        return all;
    }
}
