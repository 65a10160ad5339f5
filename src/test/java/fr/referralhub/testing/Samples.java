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

    /**
     * A social landlord's ANNULATION (reason DOUBLON) of the referral its document {@code creation} created, as
     * Logis Hauts-de-France (the dev landlord) would send it.
     */
    public static String landlordCancellation(String identifiant, String creation) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1">
                  <identifiant>%s</identifiant>
                  <dateEmission>2026-11-21T09:00:00+01:00</dateEmission>
                  <nature>ANNULATION</nature>
                  <identifiantOrigine>%s</identifiantOrigine>
                  <motif>DOUBLON</motif>
                  <bailleur siren="457504694"/>
                </orientation>""".formatted(identifiant, creation);
    }

    public static String text(String relativePath) {
        return new String(bytes(relativePath), java.nio.charset.StandardCharsets.UTF_8);
    }
}
