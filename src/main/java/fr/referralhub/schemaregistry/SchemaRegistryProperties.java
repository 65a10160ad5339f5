package fr.referralhub.schemaregistry;

import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.schema-registry.*}: where the hub's schema registry is and how the hub logs in to it. Everything in the
 * hub that talks to the registry (its serdes, its start-up registrations, its readiness check) takes both from here,
 * so a registry with HTTP Basic needs one setting, not one per place.
 *
 * @param url               resolved by {@code EmbeddedPlatformEnvironment} to the embedded registry when none is given
 * @param basicAuthUserInfo {@code user:password} (Confluent's {@code basic.auth.user.info}), env
 *                          {@code HUB_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}; for the embedded registry with operator
 *                          security on, its writer's credentials; blank for an open registry. Never logged.
 * @param registerOnStartup register the canonical schemas at start-up; false where a pipeline registers them
 */
@ConfigurationProperties("hub.schema-registry")
public record SchemaRegistryProperties(String url, String basicAuthUserInfo,
                                       @DefaultValue("true") boolean registerOnStartup) {

    /** The hub's shared client of its registry, with its credentials. */
    public SchemaRegistryClient client() {
        return SchemaRegistryClient.shared(url, basicAuthUserInfo);
    }

    /**
     * The id of a canonical schema: registered under {@code subject}, or only looked up where registration is a
     * pipeline's job ({@code registerOnStartup} false), so a schema nobody registered stops the hub.
     */
    public int registerOrLookUp(String subject, Schema schema) {
        return registerOnStartup ? client().register(subject, schema) : client().lookup(subject, schema);
    }

    /** A deserializer of records into their generated classes ({@value AvroSerdeConfig#SPECIFIC_AVRO_READER}). */
    public AvroDeserializer specificDeserializer() {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serdeConfig(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true)), false);
        return deserializer;
    }

    /** A deserializer of records into {@code GenericRecord}s, with the writer's schema: any version reads. */
    public AvroDeserializer genericDeserializer() {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(serdeConfig(), false);
        return deserializer;
    }

    /** A value serializer of schemas already registered (the hub registers its own at start-up). */
    public AvroSerializer serializer() {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(serdeConfig(), false);
        return serializer;
    }

    /** The configuration of a serde of the hub's registry, with the defaults for everything else. */
    public Map<String, Object> serdeConfig() {
        return serdeConfig(Map.of());
    }

    /**
     * The configuration of an {@link AvroSerializer} or {@link AvroDeserializer} of the hub's registry (its URL and
     * credentials, under Confluent's names), plus {@code settings} such as
     * {@value AvroSerdeConfig#SPECIFIC_AVRO_READER}.
     */
    public Map<String, Object> serdeConfig(Map<String, ?> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, AvroSerdeConfig.USER_INFO);
        config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, basicAuthUserInfo == null ? "" : basicAuthUserInfo);
        return config;
    }

    /** Without the credentials: a record's default toString would print them wherever the properties are logged. */
    @Override
    public String toString() {
        return "SchemaRegistryProperties[url=" + url + ", basicAuthUserInfo="
                + (basicAuthUserInfo == null || basicAuthUserInfo.isBlank() ? "none" : "(hidden)")
                + ", registerOnStartup=" + registerOnStartup + "]";
    }
}
