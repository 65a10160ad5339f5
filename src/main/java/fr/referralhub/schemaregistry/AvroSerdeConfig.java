package fr.referralhub.schemaregistry;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** Configuration keys of {@link AvroSerializer} and {@link AvroDeserializer}: Confluent's names, so configs carry over. */
public final class AvroSerdeConfig {

    /** Base URL of the schema registry, e.g. {@code http://localhost:8081}. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Serializer: register a record's schema when it is missing (default false: it must be registered already). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserializer: answer the generated SpecificRecord class instead of a GenericRecord (default false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    private AvroSerdeConfig() {
    }

    static SchemaRegistryClient registryClient(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url,
                    "the schema registry URL is required by the Avro serializer and deserializer");
        }
        try {
            return SchemaRegistryClient.forUrl(url.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }

    static boolean booleanConfig(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ConfigException(key, value, "must be true or false");
    }
}
