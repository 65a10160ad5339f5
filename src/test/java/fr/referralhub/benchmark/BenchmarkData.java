package fr.referralhub.benchmark;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.partners.Partner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.identity.Nir;
import fr.referralhub.identity.PersonPseudonymizer;
import fr.referralhub.identity.PersonPseudonymizer.PersonReference;
import fr.referralhub.intake.EmploymentAgencyEventReader;
import fr.referralhub.intake.PartnerEvent;
import fr.referralhub.schemaregistry.AvroSerializer;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.topics.RecordHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The records every stage is fed: the employment-agency sample, made unique per record (idEvenement and a valid
 * NIR), either as the partner's JSON or as the canonical Avro record the intake makes of it. All of it is built
 * before a run starts, so generating data is never part of a measurement.
 */
final class BenchmarkData {

    static final String SAMPLE = "samples/employment-agency/ft-orientation-mobili-jeune.json";

    /** One input record, topic-independent. */
    record Input(String key, byte[] value, List<Header> headers) {
    }

    /** A canonical event and its record key (the person reference), as the intake publishes it. */
    record Keyed(String key, ReferralEvent event) {
    }

    private final ObjectMapper json;
    private final ObjectNode template;
    /** The dev partner of the sample's structure (partners-dev.yaml), and its public dev key. */
    static final String PARTNER_API_KEY = "dev-key-france-travail-93";
    private static final Partner PARTNER = new Partner("france-travail-93", "France Travail Seine-Saint-Denis",
            PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "employment-agency-json-v1", true,
            List.of("FT-93-SAINT-DENIS", "FT-93-MONTREUIL"), List.of());

    private final EmploymentAgencyEventReader reader;
    private final PersonPseudonymizer pseudonymizer = new PersonPseudonymizer("referral-hub-benchmark-key", false);
    private final AvroSerializer canonicalSerializer = new AvroSerializer();
    private final String referralsTopic;
    private final AtomicInteger nirSequence = new AtomicInteger();

    /**
     * @param referralsTopic topic whose value subject holds the ReferralEvent schema (the hub registered it), used
     *                       to encode canonical records; the bytes are then produced to whichever input topic
     */
    BenchmarkData(ObjectMapper json, SchemaRegistryProperties registry, String referralsTopic) {
        this.json = json;
        this.template = (ObjectNode) readSample(json);
        this.reader = new EmploymentAgencyEventReader(json);
        this.referralsTopic = referralsTopic;
        canonicalSerializer.configure(registry.serdeConfig(), false);
    }

    /** The partner's JSON, with this idEvenement and a NIR no other record of the run has. */
    byte[] partnerJson(String idEvenement) {
        ObjectNode event = template.deepCopy();
        event.put("idEvenement", idEvenement);
        ((ObjectNode) event.get("beneficiaire")).put("nir", nextNir());
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Input> partnerJsonInputs(String idPrefix, int count) {
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = idPrefix + i;
            inputs.add(new Input(id, partnerJson(id), List.of()));
        }
        return inputs;
    }

    /**
     * Canonical referral events as the intake publishes them (same fields, key and headers), each with event id
     * {@code idPrefix + i} so its decision can be matched to it.
     */
    List<Input> canonicalInputs(String idPrefix, int count) {
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Keyed made = canonicalWithEventId(idPrefix + i);
            ReferralEvent event = made.event();
            List<Header> headers = List.of(
                    header(RecordHeaders.PARTNER_ID, event.getSource().getPartnerId()),
                    header(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId()),
                    header(RecordHeaders.REFERRAL_ID, event.getReferralId()),
                    header(RecordHeaders.EVENT_ID, event.getEventId()),
                    header(RecordHeaders.EVENT_TYPE, event.getEventType().name()));
            inputs.add(new Input(made.key(), canonicalSerializer.serialize(referralsTopic, event), headers));
        }
        return inputs;
    }

    /**
     * The same canonical events as submissions to the hub's referral state (docs/referral-state.md), keyed by referral
     * id with the headers intake gives them, as intake writes them once it read a partner's format; nobody waits for
     * their answers (no {@code hub.reply-to}). The referral state records, publishes, decides and routes each.
     */
    List<Input> submissionInputs(String idPrefix, int count) {
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Keyed made = canonicalWithEventId(idPrefix + i);
            ReferralEvent event = made.event();
            List<Header> headers = List.of(
                    header("hub.submission", "PARTNER_EVENT"),
                    header(RecordHeaders.EVENT_TYPE, event.getEventType().name()),
                    header(RecordHeaders.PARTNER_ID, event.getSource().getPartnerId()),
                    header(RecordHeaders.PARTNER_EVENT_ID, event.getSource().getPartnerEventId()),
                    header(RecordHeaders.EVENT_ID, event.getEventId()),
                    header(RecordHeaders.PERSON_REFERENCE_BASIS, event.getPerson().getPersonReferenceBasis().name()),
                    header("hub.person-reference", made.key()));
            inputs.add(new Input(event.getReferralId(), canonicalSerializer.serialize(referralsTopic, event), headers));
        }
        return inputs;
    }

    /** The canonical event of a partner event with this id, its event id set to it (its decision names it). */
    private Keyed canonicalWithEventId(String id) {
        Keyed made = canonical(partnerJson(id));
        return new Keyed(made.key(), ReferralEvent.newBuilder(made.event()).setEventId(id).build());
    }

    /**
     * What the hub's intake does to a partner event, minus the de-duplication ledger: read and validate the JSON,
     * derive the ids, replace the NIR by the person reference. The JSON-to-Avro baseline runs this per record.
     */
    Keyed canonical(byte[] partnerJson) {
        PartnerEvent partnerEvent = reader.read(partnerJson, PARTNER);
        ReferralEvent draft = partnerEvent.draft();
        String partnerId = partnerEvent.partnerId();
        String partnerEventId = partnerEvent.partnerEventId();
        String referralId = derivedId("referral", partnerId, partnerEventId);
        PersonReference reference = partnerEvent.identifiers().nir().map(pseudonymizer::fromNir)
                .orElseGet(() -> pseudonymizer.forReferralOnly(referralId));
        ReferralEvent event = ReferralEvent.newBuilder(draft)
                .setEventId(derivedId("event", partnerId, partnerEventId))
                .setReferralId(referralId)
                .setReceivedAt(Instant.now())
                .setPerson(PersonProfile.newBuilder(draft.getPerson())
                        .setPersonReference(reference.value())
                        .setPersonReferenceBasis(reference.basis())
                        .build())
                .build();
        return new Keyed(reference.value(), event);
    }

    /**
     * A valid NIR (female, born 04/2002 in departement 93, as in the sample) whose commune and order number
     * encode a run-wide sequence number: unique for the first 998,001 records.
     */
    String nextNir() {
        int sequence = nirSequence.getAndIncrement();
        String number = String.format(Locale.ROOT, "2020493%03d%03d", 1 + (sequence / 999) % 999, 1 + sequence % 999);
        String nir = number + String.format(Locale.ROOT, "%02d", 97 - (int) (Long.parseLong(number) % 97));
        if (!Nir.parse(nir).valid()) {
            throw new IllegalStateException("Generated an invalid NIR for sequence " + sequence);
        }
        return nir;
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String derivedId(String kind, String partnerId, String partnerEventId) {
        return UUID.nameUUIDFromBytes((kind + ':' + partnerId + ':' + partnerEventId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static Object readSample(ObjectMapper json) {
        try (InputStream in = BenchmarkData.class.getClassLoader().getResourceAsStream(SAMPLE)) {
            if (in != null) {
                return json.readTree(in);
            }
            return json.readTree(Files.readAllBytes(Path.of("src/test/resources").resolve(SAMPLE)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the sample " + SAMPLE, e);
        }
    }
}
