package fr.referralhub.schemaregistry;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Configuration keys of {@link AvroSerializer} and {@link AvroDeserializer}: Confluent's names, so configs carry over. */
public final class AvroSerdeConfig {

    /** Base URL of the schema registry, e.g. {@code http://localhost:8081}. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Serializer: register a record's schema when it is missing (default false: it must be registered already). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserializer: answer the generated SpecificRecord class instead of a GenericRecord (default false). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /**
     * Where the registry's HTTP Basic credentials come from: {@value #USER_INFO} ({@value #BASIC_AUTH_USER_INFO}) is
     * the only source this client knows; unset, it sends none.
     */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "USER_INFO";
    /**
     * {@code user:password} for a registry that needs HTTP Basic, with {@value #BASIC_AUTH_CREDENTIALS_SOURCE}
     * {@value #USER_INFO}. Blank means none (an open registry), so one configuration serves both: Confluent's own
     * serdes want it set whenever the source is.
     */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    private AvroSerdeConfig() {
    }

    static SchemaRegistryClient registryClient(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url,
                    "the schema registry URL is required by the Avro serializer and deserializer");
        }
        try {
            return SchemaRegistryClient.shared(url.toString(), userInfo(configs));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }

    /** The configured credentials, or null. Never put in an exception message: it holds the password. */
    private static String userInfo(Map<String, ?> configs) {
        Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        if (source == null || source.toString().isBlank()) {
            return null;
        }
        if (!USER_INFO.equals(source.toString().trim())) {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    "only " + USER_INFO + " is supported (credentials in " + BASIC_AUTH_USER_INFO + ")");
        }
        Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
        // Kafka hands a PASSWORD-typed value over as a Password object, whose toString hides it.
        String value = userInfo instanceof Password password ? password.value()
                : userInfo == null ? null : userInfo.toString();
        return value == null || value.isBlank() ? null : value;
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
