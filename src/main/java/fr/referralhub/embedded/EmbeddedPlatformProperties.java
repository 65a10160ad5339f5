package fr.referralhub.embedded;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code hub.embedded.*}: the in-process broker and registry of the zero-configuration default. */
@ConfigurationProperties("hub.embedded")
public record EmbeddedPlatformProperties(
        @DefaultValue("./data") String dataDir,
        @DefaultValue Kafka kafka,
        @DefaultValue SchemaRegistry schemaRegistry) {

    /** {@code enabled} is set by {@link EmbeddedPlatformEnvironment}, never by hand. */
    /** @param partnerPort the SASL listener of partners and services, with {@code hub.kafka-access.enabled} */
    public record Kafka(boolean enabled, @DefaultValue("localhost") String host, @DefaultValue("9092") int port,
                        @DefaultValue("9093") int controllerPort, @DefaultValue("9094") int partnerPort) {
    }

    /**
     * @param writePassword the password of user {@value #WRITER}, who reads and writes; set by
     *                      {@link EmbeddedPlatformEnvironment} when operator security is on (a random one unless
     *                      {@code HUB_SCHEMA_REGISTRY_WRITE_PASSWORD} gives it), empty when the registry is open
     * @param adoptUnsigned trusts the registry topic's unsigned records (from before the registry signed its
     *                      records) and writes them again signed, rather than refusing them or stopping the start
     */
    public record SchemaRegistry(boolean enabled, @DefaultValue("localhost") String host,
                                 @DefaultValue("8081") int port, @DefaultValue("_schemas") String topic,
                                 String writePassword, boolean adoptUnsigned) {

        /** The user name of the registry's write credentials. */
        public static final String WRITER = "hub";
    }
}
