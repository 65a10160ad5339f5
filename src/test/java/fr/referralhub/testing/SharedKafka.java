package fr.referralhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import fr.referralhub.embedded.EmbeddedKafkaBroker;

/**
 * One real KRaft broker for the whole test JVM, started on first use on free ports.
 * Tests isolate themselves with their own topic names and consumer groups instead of their own broker.
 */
public final class SharedKafka {

    private static EmbeddedKafkaBroker broker;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("referral-hub-test-kafka");
                broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", freePort(), freePort());
                broker.start();
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-kafka-shutdown"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker.bootstrapServers();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
