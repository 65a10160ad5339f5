package fr.referralhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The partner samples of {@code shared/samples}, exactly as partners send them. */
public final class Samples {

    /** A copy of shared/samples, kept in the repository so a fresh clone tests on its own. */
    public static final Path DIR = Path.of("src/test/resources/samples");

    private Samples() {
    }

    public static byte[] bytes(String relativePath) {
        try {
            return Files.readAllBytes(DIR.resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relativePath) {
        return new String(bytes(relativePath), java.nio.charset.StandardCharsets.UTF_8);
    }
}
