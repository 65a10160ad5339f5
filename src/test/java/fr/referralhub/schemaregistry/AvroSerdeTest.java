package fr.referralhub.schemaregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.avro.CriterionCheck;
import fr.referralhub.avro.CriterionResult;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ProgrammeDecision;
import fr.referralhub.embedded.EmbeddedSchemaRegistry;
import fr.referralhub.testing.SharedKafka;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), "_schemas-" + UUID.randomUUID(), "127.0.0.1", 0);
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void shouldCarryAnEligibilityDecisionThroughKafkaAsSpecificAndAsGenericRecord() throws Exception {
        String topic = createTopic("eligibility-decisions-");
        EligibilityDecision decision = sampleDecision();
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class,
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true))) {
            producer.send(new ProducerRecord<>(topic, decision.getPersonReference(), decision)).get();
        }
        int registeredId = new SchemaRegistryClient(registry.url())
                .lookup(SubjectNaming.valueSubject(topic), EligibilityDecision.getClassSchema());

        byte[] raw = (byte[]) readOne(topic, Map.of(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        Object specific = readOne(topic, avroReader(true));
        Object generic = readOne(topic, avroReader(false));

        assertThat(WireFormat.readSchemaId(raw)).isEqualTo(registeredId);
        assertThat(specific).isInstanceOf(EligibilityDecision.class).hasToString(decision.toString());
        assertThat(generic).isInstanceOf(GenericData.Record.class).isNotInstanceOf(EligibilityDecision.class);
        GenericRecord genericDecision = (GenericRecord) generic;
        assertThat(genericDecision.getSchema()).isEqualTo(EligibilityDecision.getClassSchema());
        assertThat(genericDecision.get("decisionId")).hasToString(decision.getDecisionId());
        assertThat(genericDecision.get("applicationDate")).isEqualTo((int) decision.getApplicationDate().toEpochDay());
        GenericRecord programme = (GenericRecord) ((List<?>) genericDecision.get("programmes")).get(0);
        assertThat(programme.get("programme")).hasToString("VISALE");
    }

    @Test
    void shouldRefuseAnUnregisteredSchemaWithoutAutoRegistration() {
        String topic = "unregistered-" + UUID.randomUUID();
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);

        assertThatThrownBy(() -> serializer.serialize(topic, sampleDecision()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fr.referralhub.avro.EligibilityDecision is not registered under subject '"
                        + topic + "-value'")
                .hasMessageContaining("auto.register.schemas");

        int id = new SchemaRegistryClient(registry.url()).register(topic + "-value", EligibilityDecision.getClassSchema());
        assertThat(WireFormat.readSchemaId(serializer.serialize(topic, sampleDecision()))).isEqualTo(id);
    }

    @Test
    void shouldDecodeARecordWrittenWithAnOlderSchemaIntoTheCurrentGeneratedClass() throws Exception {
        String topic = "evolution-" + UUID.randomUUID();
        Schema older = eligibilityDecisionWithout("missingInputs", "monthlyAmountCents", "totalAmountCents");
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "true"), false);
        byte[] payload = serializer.serialize(topic, olderDecision(older));

        EligibilityDecision decision = (EligibilityDecision) configuredDeserializer(true).deserialize(topic, payload);

        assertThat(decision.getApplicationDate()).isEqualTo(LocalDate.of(2024, 11, 5));
        ProgrammeDecision programme = decision.getProgrammes().get(0);
        assertThat(programme.getProgramme()).isEqualTo(Programme.VISALE);
        assertThat(programme.getMissingInputs()).isEmpty();
        assertThat(programme.getMonthlyAmountCents()).isNull();
        assertThat(programme.getCriteria().get(0).getVerdict()).isEqualTo(CriterionResult.PASS);
        assertThat(new SchemaRegistryClient(registry.url())
                .isCompatible(SubjectNaming.valueSubject(topic), EligibilityDecision.getClassSchema()))
                .as("the current schema may follow the older one under BACKWARD").isTrue();
    }

    @Test
    void shouldRefuseConfigurationWithoutRegistryUrl() {
        assertThatThrownBy(() -> new AvroSerializer().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new AvroDeserializer().configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, " "), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new AvroSerializer().configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auto.register.schemas");
        // Confluent's other sources (URL, SASL_INHERIT) are not this client's: say so rather than send nothing.
        assertThatThrownBy(() -> new AvroSerializer().configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                registry.url(), AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("basic.auth.credentials.source");
    }

    @Test
    void shouldPassNullThroughAndRejectWhatIsNotAConfluentAvroRecord() {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
        AvroDeserializer deserializer = configuredDeserializer(false);

        assertThat(serializer.serialize("any", null)).isNull();
        assertThat(deserializer.deserialize("any", null)).isNull();
        assertThat(deserializer.deserialize("any", new byte[0])).isNull();
        assertThatThrownBy(() -> serializer.serialize("any", "plain text"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> deserializer.deserialize("any", new byte[] {3, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("Unknown magic byte 3: not a Confluent Schema Registry Avro payload");
    }

    @Test
    void shouldExplainThatASpecificReaderNeedsTheGeneratedClass() {
        String topic = "not-generated-" + UUID.randomUUID();
        Schema unknown = SchemaBuilder.record("NotGenerated").namespace("fr.referralhub.avro").fields()
                .requiredString("id").endRecord();
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true), false);
        byte[] payload = serializer.serialize(topic, new GenericRecordBuilder(unknown).set("id", "x").build());

        assertThatThrownBy(() -> configuredDeserializer(true).deserialize(topic, payload))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no generated Avro class fr.referralhub.avro.NotGenerated");
    }

    // ---- helpers ----

    @Test
    void shouldWriteAndReadARecordWhoseRegisteredSchemaImportsATypeByReference() {
        Schema address = SchemaBuilder.record("Address").namespace("common").fields().requiredString("commune").endRecord();
        Schema person = SchemaBuilder.record("Person").namespace("test").fields()
                .name("home").type(address).noDefault().endRecord();
        String topic = "people-" + UUID.randomUUID();
        String commonSubject = "common.Address-" + UUID.randomUUID();
        SchemaRegistryClient registration = new SchemaRegistryClient(registry.url());
        registration.register(commonSubject, address);
        int id = registration.register(topic + "-value", person,
                List.of(new SchemaReference("common.Address", commonSubject, 1)));
        GenericRecord record = new GenericRecordBuilder(person)
                .set("home", new GenericRecordBuilder(address).set("commune", "93066").build()).build();
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url()), false);

        // Not auto-registered: the complete schema of the record is found as the version registered with a reference.
        byte[] written = serializer.serialize(topic, record);

        assertThat(WireFormat.readSchemaId(written)).isEqualTo(id);
        assertThat(configuredDeserializer(false).deserialize(topic, written)).isEqualTo(record);
    }

    private static EligibilityDecision sampleDecision() {
        return EligibilityDecision.newBuilder()
                .setDecisionId("decision-1")
                .setReferralId("referral-1")
                .setReferralEventId("event-1")
                .setPersonReference("person-1")
                .setApplicationDate(LocalDate.of(2024, 11, 5))
                .setDecidedAt(Instant.parse("2024-11-05T10:15:30.123Z"))
                .setRuleSetVersion("2024-11-01")
                .setProgrammes(List.of(ProgrammeDecision.newBuilder()
                        .setProgramme(Programme.VISALE)
                        .setRequested(true)
                        .setOutcome(EligibilityOutcome.ELIGIBLE)
                        .setSummary("Éligible à Visale.")
                        .setMonthlyAmountCents(60_000L)
                        .setCriteria(List.of(CriterionCheck.newBuilder()
                                .setCode("AGE_UNDER_30")
                                .setVerdict(CriterionResult.PASS)
                                .setValue("24 ans")
                                .setThreshold("< 30 ans")
                                .setExplanation("La personne a moins de 30 ans.")
                                .build()))
                        .build()))
                .build();
    }

    /** The current EligibilityDecision schema minus some ProgrammeDecision fields: what an older producer wrote. */
    private static Schema eligibilityDecisionWithout(String... programmeFields) throws Exception {
        ObjectNode schema = (ObjectNode) JSON.readTree(EligibilityDecision.getClassSchema().toString());
        for (JsonNode field : schema.get("fields")) {
            if (field.get("name").asText().equals("programmes")) {
                ArrayNode fields = (ArrayNode) field.get("type").get("items").get("fields");
                for (int i = fields.size() - 1; i >= 0; i--) {
                    if (Set.of(programmeFields).contains(fields.get(i).get("name").asText())) {
                        fields.remove(i);
                    }
                }
            }
        }
        return new Schema.Parser().parse(schema.toString());
    }

    private static GenericRecord olderDecision(Schema older) {
        Schema programmeSchema = older.getField("programmes").schema().getElementType();
        Schema criterionSchema = programmeSchema.getField("criteria").schema().getElementType();
        GenericRecord criterion = new GenericRecordBuilder(criterionSchema)
                .set("code", "AGE_UNDER_30")
                .set("verdict", new GenericData.EnumSymbol(criterionSchema.getField("verdict").schema(), "PASS"))
                .set("explanation", "La personne a moins de 30 ans.")
                .build();
        GenericRecord programme = new GenericRecordBuilder(programmeSchema)
                .set("programme", new GenericData.EnumSymbol(programmeSchema.getField("programme").schema(), "VISALE"))
                .set("requested", true)
                .set("outcome", new GenericData.EnumSymbol(programmeSchema.getField("outcome").schema(), "ELIGIBLE"))
                .set("summary", "Éligible à Visale.")
                .set("criteria", List.of(criterion))
                .build();
        return new GenericRecordBuilder(older)
                .set("decisionId", "decision-old")
                .set("referralId", "referral-old")
                .set("referralEventId", "event-old")
                .set("personReference", "person-old")
                .set("applicationDate", (int) LocalDate.of(2024, 11, 5).toEpochDay())
                .set("decidedAt", Instant.parse("2024-11-05T10:15:30Z").toEpochMilli())
                .set("ruleSetVersion", "2024-06-01")
                .set("programmes", List.of(programme))
                .build();
    }

    private static AvroDeserializer configuredDeserializer(boolean specific) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, specific), false);
        return deserializer;
    }

    private static Map<String, Object> avroReader(boolean specific) {
        return Map.of(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class,
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, specific);
    }

    private static String createTopic(String prefix) throws Exception {
        String topic = prefix + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }

    /** The single record of a one-partition topic, read from the beginning without a consumer group. */
    private static Object readOne(String topic, Map<String, Object> valueDeserialization) {
        Map<String, Object> config = new HashMap<>(valueDeserialization);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        TopicPartition partition = new TopicPartition(topic, 0);
        List<Object> values = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
                return !values.isEmpty();
            });
        }
        return values.get(0);
    }
}
