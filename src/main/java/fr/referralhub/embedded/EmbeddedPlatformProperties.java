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
    public record Kafka(boolean enabled, @DefaultValue("localhost") String host, @DefaultValue("9092") int port,
                        @DefaultValue("9093") int controllerPort) {
    }

    public record SchemaRegistry(boolean enabled, @DefaultValue("localhost") String host,
                                 @DefaultValue("8081") int port, @DefaultValue("_schemas") String topic) {
    }
}
