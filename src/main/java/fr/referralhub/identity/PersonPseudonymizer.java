package fr.referralhub.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import fr.referralhub.avro.PersonReferenceBasis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Replaces national and agency identifiers with a keyed pseudonym (HMAC-SHA256), the person reference that travels
 * on shared topics instead of the NIR.
 *
 * <p>The reference is derived from the strongest identifier available, NIR first, then France Travail id + birth
 * date, the order peers use to de-duplicate people, so two partners referring the same person give the same
 * reference. Without the key the reference cannot be linked back to the NIR (a plain hash of a NIR could be
 * reversed by enumerating the ~10^13 valid NIRs).
 */
@Component
public class PersonPseudonymizer {

    /** Known to everyone: only for local development (profile dev), refused anywhere else. */
    static final String DEV_SECRET = "referral-hub-dev-only-pseudonymisation-key";

    private static final Logger log = LoggerFactory.getLogger(PersonPseudonymizer.class);
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    /** 26 base32 characters = 130 bits: collisions are out of reach for any realistic population. */
    private static final int REFERENCE_LENGTH = 26;

    private final SecretKeySpec key;
    /**
     * A Mac initialised with the key, per thread (a Mac is not thread-safe): Mac.getInstance looks the algorithm up
     * among the security providers and init derives the HMAC pads from the key, work that was done again for every
     * identifier of every request. doFinal resets the Mac for the next use.
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public PersonPseudonymizer(@Value("${hub.pseudonymisation.secret:}") String secret,
                               @Value("${hub.pseudonymisation.allow-development-secret:false}") boolean allowDevelopmentSecret) {
        this.key = new SecretKeySpec(chooseSecret(secret, allowDevelopmentSecret).getBytes(StandardCharsets.UTF_8),
                "HmacSHA256");
    }

    private static String chooseSecret(String configured, boolean allowDevelopmentSecret) {
        if (!configured.isBlank()) {
            return configured;
        }
        if (!allowDevelopmentSecret) {
            throw new IllegalStateException("hub.pseudonymisation.secret (env HUB_PSEUDONYMISATION_SECRET) is required "
                    + "outside the dev profile: person references must not be computable by others");
        }
        log.warn("Using the public development pseudonymisation key: person references are NOT protected. "
                + "Set HUB_PSEUDONYMISATION_SECRET outside local development.");
        return DEV_SECRET;
    }

    public PersonReference fromNir(Nir nir) {
        return new PersonReference(hmac("NIR:" + nir.value()), PersonReferenceBasis.NIR);
    }

    public PersonReference fromFranceTravailId(String franceTravailId, LocalDate birthDate) {
        String normalised = franceTravailId.strip().toUpperCase(Locale.ROOT);
        return new PersonReference(hmac("FT:" + normalised + ":" + birthDate), PersonReferenceBasis.FRANCE_TRAVAIL_ID_AND_BIRTH_DATE);
    }

    /** No shared identifier: a reference unique to this referral, so nothing is linked by guesswork. */
    public PersonReference forReferralOnly(String referralId) {
        return new PersonReference(hmac("REFERRAL:" + referralId), PersonReferenceBasis.NONE);
    }

    /**
     * A key for another purpose, derived from the pseudonymisation secret that every hub instance must share anyway
     * (e.g. how instances authenticate each other): one secret to manage, and the secret itself is never used twice.
     */
    public byte[] derivedKey(String purpose) {
        return newMac().doFinal(("KEY:" + purpose).getBytes(StandardCharsets.UTF_8));
    }

    private String hmac(String input) {
        return base32(macs.get().doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder(REFERENCE_LENGTH);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < REFERENCE_LENGTH) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    /** A pseudonymous person reference and the identifier it came from. */
    public record PersonReference(String value, PersonReferenceBasis basis) {
    }
}
