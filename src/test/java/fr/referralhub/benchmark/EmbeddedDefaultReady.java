package fr.referralhub.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import fr.referralhub.testing.HubProcess;

/**
 * How soon the embedded default ({@code ./mvnw spring-boot:run}: its own KRaft broker and schema registry, nothing
 * configured) is ready after its JVM starts, on a fresh data directory and then restarted on it. Measured first, on a
 * quiet machine, in a JVM of its own with the options {@code spring-boot:run} gives it (its "optimized launch":
 * {@code -XX:TieredStopAtLevel=1}); only the ports are chosen free, so it runs beside whatever else listens on the
 * defaults.
 */
final class EmbeddedDefaultReady {

    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(3);
    /** What spring-boot-maven-plugin's run goal adds to the JVM's command line by default (optimizedLaunch). */
    private static final List<String> SPRING_BOOT_RUN_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
    /** Issue 14: the embedded default ready within this many seconds of its JVM starting. */
    private static final double TARGET_SECONDS = 10;

    private EmbeddedDefaultReady() {
    }

    static void measure() throws Exception {
        Path dir = Files.createTempDirectory("referral-hub-embedded-default");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.embedded.kafka.port", "0");
        properties.put("hub.embedded.kafka.controller-port", "0");
        properties.put("hub.embedded.schema-registry.port", "0");
        properties.put("hub.embedded.data-dir", dir.resolve("data").toString());
        properties.put("hub.intake.file-drops.root", dir.resolve("drops").toString());
        double fresh = startAndStop(properties, dir.resolve("fresh.log"));
        double restarted = startAndStop(properties, dir.resolve("restarted.log"));
        System.out.printf(Locale.ROOT, "embedded default, from JVM start to ready: fresh data directory %.1f s,"
                        + " restarted on it %.1f s (target %.0f s %s)%n", fresh, restarted, TARGET_SECONDS,
                Math.max(fresh, restarted) <= TARGET_SECONDS ? "met" : "NOT met");
    }

    private static double startAndStop(Map<String, String> properties, Path log) {
        long started = System.nanoTime();
        HubProcess hub = HubProcess.start(properties, log, STARTUP_LIMIT, SPRING_BOOT_RUN_OPTIONS);
        double seconds = (System.nanoTime() - started) / 1e9;
        hub.stop(Duration.ofSeconds(60));
        return seconds;
    }
}
