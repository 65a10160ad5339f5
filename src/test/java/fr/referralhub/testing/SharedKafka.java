package fr.referralhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import fr.referralhub.embedded.EmbeddedKafkaBroker;

/**
 * One real KRaft broker for the whole test JVM, started on first use on free ports.
 * Tests isolate themselves with their own topic names and consumer groups instead of their own broker.
 */
public final class SharedKafka {

    private static final int FIRST_PORT = 20_000;
    private static final int PORTS_BELOW_EPHEMERAL = 12_000;
    /** A random start, so that two test runs on one machine do not walk the same ports. */
    private static final AtomicInteger nextPort = new AtomicInteger(
            ThreadLocalRandom.current().nextInt(PORTS_BELOW_EPHEMERAL));

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

    /**
     * A port no one listens on, below the kernel's ephemeral range (32768 and up on Linux): a test picks it, closes
     * it, and a broker or child hub binds it seconds later. A port the kernel hands out could meanwhile become the
     * local end of any outgoing connection (Kafka clients open many); a port below that range can only be taken by
     * a listener, and every listener whose port a test names beforehand takes it from here, one after the other
     * (a listener on port 0 gets its port from the kernel as it binds: no such race).
     */
    public static int freePort() {
        for (int attempt = 0; attempt < PORTS_BELOW_EPHEMERAL; attempt++) {
            int port = FIRST_PORT + Math.floorMod(nextPort.getAndIncrement(), PORTS_BELOW_EPHEMERAL);
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // someone listens there: the next one
            }
        }
        throw new IllegalStateException("no free port between " + FIRST_PORT + " and "
                + (FIRST_PORT + PORTS_BELOW_EPHEMERAL));
    }
}
