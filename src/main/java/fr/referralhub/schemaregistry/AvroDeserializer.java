package fr.referralhub.schemaregistry;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer reading the Confluent wire format: it fetches the writer schema by the id in the payload and
 * answers a {@code GenericRecord}, or with {@value AvroSerdeConfig#SPECIFIC_AVRO_READER}=true the generated class of
 * the writer schema's name, resolved from the writer schema to the class's own (possibly newer) schema.
 *
 * <p>Configuration: {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL} (required),
 * {@value AvroSerdeConfig#BASIC_AUTH_CREDENTIALS_SOURCE} and {@value AvroSerdeConfig#BASIC_AUTH_USER_INFO} (a registry
 * that needs HTTP Basic), {@value AvroSerdeConfig#SPECIFIC_AVRO_READER} (default false).
 */
public class AvroDeserializer implements Deserializer<Object> {

    private SchemaRegistryClient registry;
    private boolean specificReader;
    // Keyed by writer id alone: within one deserializer the reader schema is a function of the writer schema
    // (the writer schema itself, or the schema of the generated class of the same name).
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = AvroSerdeConfig.registryClient(configs);
        this.specificReader = AvroSerdeConfig.booleanConfig(configs, AvroSerdeConfig.SPECIFIC_AVRO_READER);
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int schemaId = WireFormat.readSchemaId(data);
        DatumReader<Object> reader = readers.get(schemaId);
        if (reader == null) {
            reader = newReader(schemaId);
            readers.put(schemaId, reader);
        }
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_LENGTH,
                    data.length - WireFormat.HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode the Avro payload of topic " + topic + " with writer schema id "
                    + schemaId + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<Object> newReader(int schemaId) {
        Schema writer;
        try {
            writer = registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot fetch writer schema id " + schemaId + ": " + e.getMessage(), e);
        }
        if (!specificReader) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Class<?> generated = SpecificData.get().getClass(writer);
        if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
            throw new SerializationException(AvroSerdeConfig.SPECIFIC_AVRO_READER + " is true but no generated Avro class "
                    + writer.getFullName() + " is on the classpath (writer schema id " + schemaId + ")");
        }
        SpecificData model = SpecificData.getForClass(generated);
        return new SpecificDatumReader<>(writer, model.getSchema(generated), model);
    }
}
