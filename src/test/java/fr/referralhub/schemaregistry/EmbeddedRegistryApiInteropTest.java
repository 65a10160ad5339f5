package fr.referralhub.schemaregistry;

import java.util.UUID;

import fr.referralhub.embedded.EmbeddedSchemaRegistry;
import fr.referralhub.testing.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link RegistryApiInterop} against the hub's embedded registry, on a topic of its own (modes and levels change). */
class EmbeddedRegistryApiInteropTest extends RegistryApiInterop {

    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = new EmbeddedSchemaRegistry(SharedKafka.bootstrapServers(), "_schemas-interop-" + UUID.randomUUID(),
                "127.0.0.1", 0);
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Override
    String registryUrl() {
        return registry.url();
    }
}
