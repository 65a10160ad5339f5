package fr.referralhub.testing;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import fr.referralhub.ReferralHubApplication;

/**
 * The hub in a child JVM of its own, on the test's classpath, so a test can really kill it ({@link #kill}: SIGKILL on
 * Linux, no shutdown hook, no graceful stop) and start another one on the same broker, topics and folders. Its output
 * goes to a log file (see {@link #log()}) for diagnosis.
 */
public final class HubProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private HubProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the hub (dev profile, HTTP on a free port of 127.0.0.1) with these Spring properties and returns once it
     * is ready (readiness probe UP: routes started), or fails with the end of its log.
     *
     * @param properties Spring properties given as {@code --name=value} arguments
     * @param log        where its stdout and stderr go
     */
    public static HubProcess start(Map<String, String> properties, Path log, Duration startupLimit) {
        // Small and quick to start: C1 only, one GC thread; the machine has 2 cores for everything.
        return start(properties, log, startupLimit,
                List.of("-Xms128m", "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }

    /** The same, with these JVM options instead of the tests' small ones (a benchmark runs the hub as deployed). */
    public static HubProcess start(Map<String, String> properties, Path log, Duration startupLimit,
                                   List<String> jvmOptions) {
        int port = SharedKafka.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-cp", testClassPath(),
                ReferralHubApplication.class.getName(),
                "--spring.profiles.active=dev",
                "--server.port=" + port));
        properties.forEach((name, value) -> command.add("--" + name + "=" + value));
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // Should the test JVM itself be stopped (surefire timeout, Ctrl-C), the child does not outlive it.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "hub-process-kill"));
            HubProcess hub = new HubProcess(process, log, port);
            hub.awaitReady(startupLimit);
            return hub;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the hub process", e);
        }
    }

    /**
     * The test JVM's classpath. Surefire puts the real one in surefire.test.class.path (java.class.path may be a
     * manifest-only jar); entries listed twice are kept once, or Camel would find each route file twice.
     */
    private static String testClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, new LinkedHashSet<>(List.of(classPath.split(File.pathSeparator))));
    }

    private void awaitReady(Duration limit) {
        try {
            Files.writeString(log.resolveSibling(log.getFileName() + ".classpath"),
                    testClassPath().replace(File.pathSeparator, "\n"));
            await("hub process ready (log: " + log + ")").atMost(limit).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive() || tail().contains("Application run failed")) {
                            throw new IllegalStateException("The hub process failed to start; end of its log:\n"
                                    + tail());
                        }
                        return ready();
                    });
        } catch (IOException e) {
            kill();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            kill();
            throw e;
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: the JVM gets no chance to finish anything (no shutdown hook, no commit, no file move). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops it as an orchestrator would (SIGTERM: the hub closes cleanly) and waits for the JVM to end; kills it past
     * the limit.
     *
     * @return whether it ended by itself within the limit
     */
    public boolean stop(Duration limit) {
        process.destroy();
        try {
            if (process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return false;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** The last lines of its log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }
}
