package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.FieldError;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.partners.Partner;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;

/**
 * Event dates the hub can decide: from the first day of the bundled rule sets (2023-07-01) to one day after the hub's
 * clock. Outside them, every partner format refuses the event naming its own date field (HTTP answers 422 with it,
 * files and Kafka records are dead-lettered with it, through the same refusal as any invalid field).
 */
class EventDatesTest {

    /** The hub's clock in these tests: 4 December 2026, 10:00 UTC (11:00 in Paris). */
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final EventDates DATES = new EventDates(LocalDate.of(2023, 7, 1), Clock.fixed(NOW, ZoneOffset.UTC));
    private static final Partner FRANCE_TRAVAIL_93 = new Partner("france-travail-93", "France Travail 93",
            PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "employment-agency-json-v1", true,
            List.of("FT-93-SAINT-DENIS"), List.of());

    @Test
    void the_first_day_of_the_rule_sets_is_accepted_the_day_before_is_not() {
        assertThat(DATES.problem(LocalDate.of(2023, 7, 1))).isEmpty();
        assertThat(DATES.problem(LocalDate.of(2023, 6, 30))).hasValueSatisfying(reason ->
                assertThat(reason).contains("on or after 2023-07-01"));
        // The day in France decides, as for the eligibility rules: 22:30 UTC on 30 June is 00:30 on 1 July in Paris.
        assertThat(DATES.problem(Instant.parse("2023-06-30T22:30:00Z"))).isEmpty();
        assertThat(DATES.problem(Instant.parse("2023-06-30T21:30:00Z"))).isPresent();
    }

    @Test
    void up_to_one_day_ahead_of_the_clock_is_accepted_not_more() {
        assertThat(DATES.problem(NOW.plusSeconds(86_400))).isEmpty();
        assertThat(DATES.problem(NOW.plusSeconds(86_401))).hasValueSatisfying(reason ->
                assertThat(reason).contains("more than one day"));
        // A format without time: tomorrow in France is accepted, the day after is not.
        assertThat(DATES.problem(LocalDate.of(2026, 12, 5))).isEmpty();
        assertThat(DATES.problem(LocalDate.of(2026, 12, 6))).hasValueSatisfying(reason ->
                assertThat(reason).contains("at the latest 2026-12-05"));
    }

    @Test
    void follows_the_hubs_clock() {
        EventDates earlier = new EventDates(LocalDate.of(2023, 7, 1),
                Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC));

        assertThat(earlier.problem(Instant.parse("2026-11-20T08:15:00Z"))).isPresent();
        assertThat(DATES.problem(Instant.parse("2026-11-20T08:15:00Z"))).isEmpty();
    }

    @Test
    void the_employment_agencies_json_names_horodatage() {
        EmploymentAgencyEventReader reader = new EmploymentAgencyEventReader(new ObjectMapper(), DATES);
        String old = Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("\"horodatage\": \"2026-11-20T09:15:00+01:00\"", "\"horodatage\": \"2023-06-29T10:00:00+02:00\"");
        String ahead = Samples.text("employment-agency/ft-orientation-mobili-jeune.json")
                .replace("\"horodatage\": \"2026-11-20T09:15:00+01:00\"", "\"horodatage\": \"2026-12-06T09:15:00+01:00\"");

        assertRefused(() -> reader.read(bytes(old), FRANCE_TRAVAIL_93),
                "horodatage");
        assertRefused(() -> reader.read(bytes(ahead), FRANCE_TRAVAIL_93),
                "horodatage");
        assertThat(reader.read(Samples.bytes("employment-agency/ft-orientation-mobili-jeune.json"),
                FRANCE_TRAVAIL_93).partnerEventId()).isNotBlank();
    }

    @Test
    void the_landlords_xml_names_its_date_of_issue() {
        SocialLandlordXmlReader reader = new SocialLandlordXmlReader(DATES);
        String old = Samples.text(SocialLandlordXmlReaderTest.SAMPLE_871)
                .replace("2026-11-18T14:02:11+01:00", "2023-06-29T10:00:00+02:00");

        assertRefused(() -> reader.read(bytes(old), SocialLandlordXmlReaderTest.LOGIS_HDF), "orientation/dateEmission");
    }

    @Test
    void the_training_bodies_csv_names_date_evenement() {
        TrainingBodyCsvReader reader = new TrainingBodyCsvReader(DATES);
        String old = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).replaceFirst(";18/11/2026;", ";29/06/2023;");
        String ahead = Samples.text(TrainingBodyCsvReaderTest.SAMPLE).replaceFirst(";18/11/2026;", ";06/12/2026;");

        assertRefused(() -> reader.read(reader.open(bytes(old)).rows().get(0), TrainingBodyCsvReaderTest.CFA_BTP_LYON),
                "date_evenement");
        assertRefused(() -> reader.read(reader.open(bytes(ahead)).rows().get(0),
                TrainingBodyCsvReaderTest.CFA_BTP_LYON), "date_evenement");
        // the other rows of the file are dated 18/11/2026 and go through
        assertThat(reader.read(reader.open(bytes(old)).rows().get(1), TrainingBodyCsvReaderTest.CFA_BTP_LYON)
                .partnerEventId()).isNotBlank();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Refused as an invalid event (422 over HTTP, a dead letter otherwise), with the date field named. */
    private static void assertRefused(Runnable read, String field) {
        InvalidPartnerEventException refusal = catchThrowableOfType(InvalidPartnerEventException.class, read::run);

        assertThat(refusal).as("refused").isNotNull();
        assertThat(refusal.kind()).isEqualTo(Kind.INVALID);
        assertThat(refusal.kind().status()).isEqualTo(422);
        assertThat(refusal.errors()).extracting(FieldError::field).containsExactly(field);
    }
}
