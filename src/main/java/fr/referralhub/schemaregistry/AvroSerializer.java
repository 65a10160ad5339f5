package fr.referralhub.schemaregistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing Avro records (generated {@link SpecificRecord} classes or {@code GenericRecord}s) in the
 * Confluent wire format, under the subject {@code <topic>-value} (or {@code -key}).
 *
 * <p>Configuration: {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL} (required),
 * {@value AvroSerdeConfig#BASIC_AUTH_CREDENTIALS_SOURCE} and {@value AvroSerdeConfig#BASIC_AUTH_USER_INFO} (a registry
 * that needs HTTP Basic) and {@value AvroSerdeConfig#AUTO_REGISTER_SCHEMAS} (default false). Without auto-registration
 * the record's schema must already be registered under the subject: production topics then only carry schemas someone
 * registered on purpose.
 */
public class AvroSerializer implements Serializer<Object> {

    private SchemaRegistryClient registry;
    private boolean autoRegister;
    private boolean isKey;
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** A generated class needs its own data model (logical type conversions, Java enums); generic records do not. */
    private record WriterKey(Schema schema, Class<?> recordClass) {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = AvroSerdeConfig.registryClient(configs);
        this.autoRegister = AvroSerdeConfig.booleanConfig(configs, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        if (!(data instanceof IndexedRecord record)) {
            throw new SerializationException("AvroSerializer writes Avro records (SpecificRecord or GenericRecord), not "
                    + data.getClass().getName());
        }
        Schema schema = record.getSchema();
        int schemaId = schemaId(SubjectNaming.subject(topic, isKey), schema);
        try {
            // Presized for a typical record, and a buffered encoder: the direct one writes byte by byte, which the
            // referral state's profile showed as a good part of encoding its outbound records.
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            WireFormat.writeHeader(out, schemaId);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writers.computeIfAbsent(new WriterKey(schema, record.getClass()), AvroSerializer::newWriter)
                    .write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // Avro reports a null in a non-null field or a value of the wrong type as a runtime exception.
            throw new SerializationException("Cannot encode " + schema.getFullName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    private int schemaId(String subject, Schema schema) {
        try {
            return autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (SchemaRegistryException e) {
            if (!autoRegister && e.getHttpStatus() == 404) {
                throw new SerializationException("Schema " + schema.getFullName() + " is not registered under subject '"
                        + subject + "' in the schema registry at " + registry.baseUrl() + " and "
                        + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + " is false: register it first, or set "
                        + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS + "=true (" + e.getMessage() + ")", e);
            }
            throw new SerializationException("Cannot " + (autoRegister ? "register" : "look up") + " schema "
                    + schema.getFullName() + " under subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    private static DatumWriter<Object> newWriter(WriterKey key) {
        if (SpecificRecord.class.isAssignableFrom(key.recordClass())) {
            return new SpecificDatumWriter<>(key.schema(), SpecificData.getForClass(key.recordClass()));
        }
        return new GenericDatumWriter<>(key.schema(), GenericData.get());
    }
}
