package fr.referralhub.identity;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The French social security number (NIR): 13 characters and a 2-digit control key, key = 97 - (number mod 97),
 * where Corsican departements 2A and 2B count as 19 and 18.
 *
 * <p>Instances never print their value: {@link #toString()} is masked, so a NIR cannot reach a log by accident.
 */
public final class Nir {

    /** Sex, year, month, departement (2 digits, 2A or 2B), commune, order number, key. */
    private static final Pattern SHAPE = Pattern.compile("[12378]\\d{2}\\d{2}(\\d{2}|2[AB])\\d{3}\\d{3}\\d{2}");
    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);
    // Compiled once: every HTTP request and file row parses a NIR, and String.replaceAll/matches compile their
    // pattern again on each call.
    /** Spaces, no-break spaces and narrow no-break spaces partners put between groups. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\u00A0\\u202F]");
    /** What a spreadsheet makes of a long number: 2,02049E+14. */
    private static final Pattern SCIENTIFIC_NOTATION = Pattern.compile("\\d+(,\\d+)?E\\+\\d+");

    private final String value;

    private Nir(String value) {
        this.value = value;
    }

    /**
     * Parses a NIR as partners write it (spaces or no-break spaces between groups are accepted).
     *
     * @return the NIR, or a reason it is not one; the reason never repeats the value
     */
    public static Result parse(String raw) {
        String compact = SEPARATORS.matcher(raw).replaceAll("").toUpperCase();
        if (SCIENTIFIC_NOTATION.matcher(compact).matches()) {
            return Result.invalid("looks like a spreadsheet number in scientific notation: the NIR was corrupted, send it as text");
        }
        if (compact.length() != 15) {
            return Result.invalid("must have 15 characters (13 + a 2-digit key), got " + compact.length());
        }
        if (!SHAPE.matcher(compact).matches()) {
            return Result.invalid("is not shaped like a NIR (sex 1/2, year, month, departement, commune, order, key)");
        }
        String number = compact.substring(0, 13).replace("2A", "19").replace("2B", "18");
        int expectedKey = 97 - new BigInteger(number).mod(NINETY_SEVEN).intValue();
        if (Integer.parseInt(compact.substring(13)) != expectedKey) {
            return Result.invalid("control key does not match the number (mistyped digit?)");
        }
        return new Result(Optional.of(new Nir(compact)), null);
    }

    /** The normalised value, for the pseudonymiser only. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return "Nir[***]";
    }

    /** A parsed NIR or why the input is not one. */
    public record Result(Optional<Nir> nir, String problem) {
        static Result invalid(String problem) {
            return new Result(Optional.empty(), problem);
        }

        public boolean valid() {
            return nir.isPresent();
        }
    }
}
