package fr.referralhub.territory;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * INSEE territory codes: communes (5 characters, Corsica 2A/2B, overseas 97x) and the departement they belong to.
 * Postal codes look alike but are a different thing: a commune code is checked for shape only here.
 */
public final class InseeCodes {

    private static final Pattern COMMUNE = Pattern.compile("(0[1-9]|[1-8]\\d|9[0-5]|2[AB])\\d{3}|97[1-6]\\d{2}");
    private static final Pattern DEPARTEMENT = Pattern.compile("0[1-9]|1\\d|2[1-9AB]|[3-8]\\d|9[0-5]|97[1-6]");

    private InseeCodes() {
    }

    public static boolean isCommune(String code) {
        return code != null && COMMUNE.matcher(code).matches() && !code.startsWith("20");
    }

    public static boolean isDepartement(String code) {
        return code != null && DEPARTEMENT.matcher(code).matches();
    }

    /** Departement of a commune: 3 characters overseas (971-976), 2 elsewhere (75, 2A). */
    public static Optional<String> departementOf(String communeCode) {
        if (!isCommune(communeCode)) {
            return Optional.empty();
        }
        return Optional.of(communeCode.startsWith("97") ? communeCode.substring(0, 3) : communeCode.substring(0, 2));
    }
}
