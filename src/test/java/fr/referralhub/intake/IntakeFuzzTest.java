package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.FieldError;
import fr.referralhub.api.ProblemDetails;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.SourceReference;
import fr.referralhub.intake.TrainingBodyCsvReader.CsvFile;
import fr.referralhub.intake.TrainingBodyCsvReader.Row;
import fr.referralhub.partners.PartnerAccessDeniedException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * Property-based fuzzing of the three partner parsers (issue 18): 10,000 hostile inputs each ({@link PartnerInputs}),
 * straight on the readers, which is where every partner byte is first interpreted (the HTTP flow, the file drops and
 * the Kafka intake only carry bytes to them and their refusals back; {@code PartnerApiFuzzTest} tries the real HTTP
 * endpoint with fewer). For every input:
 * <ul>
 * <li>no 5xx: the reader returns an event or refuses it as the partner's mistake (a 4xx kind, or 401/403); any other
 * exception would have been a 500 or a dead letter saying "unexpected";</li>
 * <li>every refusal becomes a problem+json answer: status 4xx, the hub's type, one entry per reason, each naming a
 * field and saying why;</li>
 * <li>every input is accounted for: accepted, refused or denied, and for a file every row one of accepted or refused;
 * an accepted event has a safe event id and survives its Avro encoding unchanged (no '?' for a lone surrogate, no
 * date overflowing its int).</li>
 * </ul>
 */
class IntakeFuzzTest {

    private static final int TRIES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CamelContext CAMEL = new DefaultCamelContext();

    private final EmploymentAgencyEventReader jsonReader = new EmploymentAgencyEventReader(JSON);
    private final TrainingBodyCsvReader csvReader = new TrainingBodyCsvReader();
    private final SocialLandlordXmlReader xmlReader = new SocialLandlordXmlReader();

    enum Outcome { ACCEPTED, REFUSED, DENIED }

    @Provide
    Arbitrary<byte[]> jsonBodies() {
        return Arbitraries.randoms().map(random -> PartnerInputs.json(random, "FUZZ-" + random.nextInt(1000)));
    }

    @Provide
    Arbitrary<byte[]> csvFiles() {
        return Arbitraries.randoms().map(PartnerInputs::csv);
    }

    @Provide
    Arbitrary<byte[]> xmlDocuments() {
        return Arbitraries.randoms().map(PartnerInputs::xml);
    }

    // Shrinking a Random says nothing useful: the failing seed is what reproduces an input.
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void everyJsonBodyIsAcceptedOrRefusedWithProblemJson(@ForAll("jsonBodies") byte[] body) {
        Statistics.collect(outcome(() -> jsonReader.read(body, EmploymentAgencyEventReaderTest.FRANCE_TRAVAIL_93)));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void everyCsvFileAndEachOfItsRowsIsAccountedFor(@ForAll("csvFiles") byte[] content) {
        CsvFile file;
        try {
            file = csvReader.open(content);
        } catch (InvalidPartnerEventException unreadable) {
            assertProblemJson(unreadable);
            Statistics.collect("file refused");
            return;
        }
        int accepted = 0;
        int refused = 0;
        for (Row row : file.rows()) {
            Outcome outcome = outcome(() -> csvReader.read(row, TrainingBodyCsvReaderTest.CFA_BTP_LYON));
            assertThat(outcome).as("a file row is never denied as a whole request").isNotEqualTo(Outcome.DENIED);
            if (outcome == Outcome.ACCEPTED) {
                accepted++;
            } else {
                refused++;
            }
        }
        assertThat(accepted + refused).as("rows accounted for").isEqualTo(file.rows().size());
        Statistics.collect(refused == 0 ? "every row accepted" : accepted == 0 ? "every row refused" : "some rows refused");
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void everyXmlDocumentIsAcceptedOrRefusedWithProblemJson(@ForAll("xmlDocuments") byte[] document) {
        Outcome outcome = outcome(() -> xmlReader.read(document, SocialLandlordXmlReaderTest.LOGIS_HDF));
        Statistics.collect(outcome);
    }

    /**
     * What became of one input; fails on anything but an accepted event or a refusal of the partner's mistake, which
     * is what a 5xx (or an "unexpected" dead letter) would have been.
     */
    static Outcome outcome(Supplier<PartnerEvent> read) {
        try {
            PartnerEvent event = read.get();
            assertCarriedIntact(event);
            return Outcome.ACCEPTED;
        } catch (InvalidPartnerEventException refusal) {
            assertProblemJson(refusal);
            return Outcome.REFUSED;
        } catch (PartnerAccessDeniedException denial) {
            assertThat(denial.status()).isIn(401, 403);
            return Outcome.DENIED;
        }
    }

    /** The refusal as the HTTP flow answers it (ProblemDetails, as ProblemResponses uses it), read back as JSON. */
    static void assertProblemJson(InvalidPartnerEventException refusal) {
        assertThat(refusal.kind().status()).as("a refusal is the partner's mistake").isBetween(400, 499);
        assertThat(refusal.errors()).as("reasons").isNotEmpty().allSatisfy(error -> {
            assertThat(error.field()).isNotBlank();
            assertThat(error.reason()).isNotBlank();
        });
        Exchange exchange = new DefaultExchange(CAMEL);
        Map<String, Object> body = ProblemDetails.answer(exchange, refusal, "fuzz");
        assertThat(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/problem+json");
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(refusal.kind().status());
        JsonNode problem;
        try {
            problem = JSON.readTree(JSON.writeValueAsBytes(body));
        } catch (java.io.IOException e) {
            throw new AssertionError("the problem body is not JSON", e);
        }
        assertThat(problem.path("type").asText()).startsWith(ProblemDetails.TYPE_BASE);
        assertThat(problem.path("status").asInt()).isEqualTo(refusal.kind().status());
        assertThat(problem.path("errors")).hasSize(refusal.errors().size());
        for (FieldError error : refusal.errors()) {
            // Reasons never quote a value back, so never a control character from the input either.
            assertThat(FieldErrors.isPlainText(error.reason())).as("reason of " + error.field()).isTrue();
        }
    }

    /** An accepted event is one the canonical topic can carry exactly as read. */
    static void assertCarriedIntact(PartnerEvent event) {
        assertThat(event.partnerEventId()).matches(FieldErrors.EVENT_ID);
        ReferralEvent draft = event.draft();
        try {
            // Compared as text: Avro's own equality encodes both sides first, so it would not see a '?'.
            ReferralEvent decoded = ReferralEvent.fromByteBuffer(draft.toByteBuffer());
            assertThat(decoded.toString()).as("the draft after its Avro encoding").isEqualTo(draft.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError("an accepted draft cannot be encoded", e);
        }
        SourceReference source = draft.getSource();
        for (CharSequence text : new CharSequence[] {source.getPartnerEventId(), source.getOriginPartnerEventId(),
                source.getStructureCode(), source.getStructureType(), source.getStructureName(),
                draft.getCancellationReason()}) {
            if (text != null) {
                assertThat(FieldErrors.isPlainText(text.toString())).as("carried text is plain").isTrue();
            }
        }
    }
}
