package fr.referralhub.eligibility;

import java.util.Objects;

import fr.referralhub.avro.Programme;

/**
 * A threshold a programme rule reads from the rule set, e.g. {@code MOBILI_JEUNE.salaryCeilingSmicPercent}.
 *
 * <p>Rules declare the parameters they read, so the loader can refuse a rule-set file that lacks one (or has a
 * misspelt one) when the hub starts, instead of failing on the first referral that needs it.
 *
 * @param programme the programme the parameter belongs to: its section in the YAML file
 * @param name      the parameter's name inside that section
 * @param type      how the value must be written
 */
public record RuleParameter(Programme programme, String name, Type type) {

    /** How a parameter value is written in the file. */
    public enum Type {
        /** A whole number (ages, months, kilometres). */
        INTEGER,
        /** A decimal number with a decimal point (euro amounts, percentages). */
        DECIMAL,
        /** A list of INSEE departement codes, quoted ({@code ["01", "2A", "971"]}): a programme's territory. */
        DEPARTEMENTS,
        /** A list of INSEE commune codes, quoted ({@code ["69123", "69266"]}): a programme's territory. */
        COMMUNES;

        /** Whether the value is a list of territory codes rather than a number. */
        boolean isCodeList() {
            return this == DEPARTEMENTS || this == COMMUNES;
        }
    }

    public RuleParameter {
        Objects.requireNonNull(programme, "programme");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static RuleParameter integer(Programme programme, String name) {
        return new RuleParameter(programme, name, Type.INTEGER);
    }

    public static RuleParameter decimal(Programme programme, String name) {
        return new RuleParameter(programme, name, Type.DECIMAL);
    }

    public static RuleParameter departements(Programme programme, String name) {
        return new RuleParameter(programme, name, Type.DEPARTEMENTS);
    }

    public static RuleParameter communes(Programme programme, String name) {
        return new RuleParameter(programme, name, Type.COMMUNES);
    }

    /** Key of the parameter in a {@link RuleSet}, e.g. {@code MOBILI_JEUNE.salaryCeilingSmicPercent}. */
    public String key() {
        return programme.name() + "." + name;
    }

    @Override
    public String toString() {
        return key();
    }
}
