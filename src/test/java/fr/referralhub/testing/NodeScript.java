package fr.referralhub.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Node.js script of {@code src/test/js} (the independent clients: Confluent's JS client, kafkajs, a headless
 * browser) and captures what it printed. Scripts resolve relative to {@link #DIR} and run with it as working
 * directory, so they find its {@code node_modules} (installed by the build with {@code npm ci}).
 */
public final class NodeScript {

    /** The scripts and their npm packages. */
    public static final Path DIR = Path.of("src/test/js");

    /** The Node.js executable: {@code node} on the PATH unless the environment variable NODE says otherwise. */
    private static final String NODE = System.getenv().getOrDefault("NODE", "node");

    private NodeScript() {
    }

    /**
     * What a script did.
     *
     * @param exitCode the exit status, or -1 when it was killed after the timeout
     * @param timedOut whether it was killed after the timeout
     */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed, boolean timedOut,
            List<String> command) {

        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }

        /** The last non-blank line of stdout (scripts print their JSON result last), or "" when there is none. */
        public String lastLine() {
            return stdout.lines().filter(line -> !line.isBlank()).reduce((first, second) -> second).orElse("");
        }

        /** Everything needed to understand a failure, for assertion messages. */
        public String describe() {
            return String.join(" ", command) + "\n"
                    + (timedOut ? "killed after timeout" : "exit " + exitCode) + " after " + elapsed.toMillis() + " ms"
                    + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs {@code node <script> <args...>} in {@link #DIR}; kills it (and the processes it started) after timeout. */
    public static Result run(Duration timeout, String script, String... args) {
        return run(timeout, Map.of(), script, args);
    }

    /** As {@link #run(Duration, String, String...)}, with extra environment variables for the script. */
    public static Result run(Duration timeout, Map<String, String> environment, String script, String... args) {
        Path dir = DIR.toAbsolutePath();
        Path scriptPath = dir.resolve(script);
        if (!Files.isRegularFile(scriptPath)) {
            throw new IllegalArgumentException("no script " + scriptPath);
        }
        List<String> command = new ArrayList<>();
        command.add(NODE);
        command.add(scriptPath.toString());
        command.addAll(List.of(args));
        File out = null;
        File err = null;
        Process process = null;
        long start = System.nanoTime();
        try {
            // Files rather than pipes: nothing to drain while waiting, and no deadlock on a chatty script.
            out = File.createTempFile("node-stdout-", ".txt");
            err = File.createTempFile("node-stderr-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out).redirectError(err);
            builder.environment().putAll(environment);
            process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new Result(finished ? process.exitValue() : -1,
                    Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8),
                    elapsed, !finished, List.copyOf(command));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                out.delete();
            }
            if (err != null) {
                err.delete();
            }
        }
    }

    /** Kills the script and what it started (a browser or client would otherwise outlive the test). */
    private static void kill(Process process) {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
