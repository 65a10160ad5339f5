package fr.referralhub.eligibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import fr.referralhub.avro.Programme;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a rule-set file (see {@code src/main/resources/eligibility/rule-sets.yaml} for the format) and refuses it,
 * with an {@link InvalidRuleSetFileException} naming the file, unless it is complete and consistent:
 * <ul>
 *   <li>rule sets follow each other in time without gap or overlap, with unique versions;</li>
 *   <li>each rule set has every parameter the rules declared, well typed, and no unknown (misspelt) one, except
 *       that a programme closed in a rule set needs no parameter there;</li>
 *   <li>the reference SMIC is known from the first rule set's start on.</li>
 * </ul>
 * Checking all this when the hub starts means a bad edit of the file stops the deployment instead of producing
 * wrong decisions later.
 */
public final class RuleSetLoader {

    private static final Set<String> ROOT_KEYS = Set.of("referenceSmic", "ruleSets");
    private static final Set<String> RULE_SET_KEYS =
            Set.of("version", "validFrom", "validTo", "closedProgrammes", "parameters");
    private static final Set<String> SMIC_KEYS = Set.of("from", "grossMonthlyEur");
    private static final Set<String> CLOSURE_KEYS = Set.of("lastApplicationDate");

    private final Map<String, RuleParameter> declaredParameters = new LinkedHashMap<>();

    /** @param declaredParameters every parameter the rules read; each rule set must define all of them */
    public RuleSetLoader(Collection<RuleParameter> declaredParameters) {
        declaredParameters.forEach(parameter -> this.declaredParameters.put(parameter.key(), parameter));
    }

    /** Loads a file from the classpath, e.g. {@code eligibility/rule-sets.yaml}. */
    public RuleSetCatalogue loadFromClasspath(String resource) {
        InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new InvalidRuleSetFileException(resource, "not found on the classpath");
        }
        try (in) {
            return load(resource, in);
        } catch (IOException e) {
            throw new InvalidRuleSetFileException(resource, "cannot be read", e);
        }
    }

    /** Loads a file from the file system (an operator's override, or a test's). */
    public RuleSetCatalogue loadFromFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(file.toString(), in);
        } catch (IOException e) {
            throw new InvalidRuleSetFileException(file.toString(), "cannot be read", e);
        }
    }

    /**
     * Parses and validates rule sets.
     *
     * @param source name of the file, repeated in every error message
     */
    public RuleSetCatalogue load(String source, InputStream in) {
        Object document;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            document = yaml().load(reader);
        } catch (YAMLException | IOException e) {
            throw new InvalidRuleSetFileException(source, "not readable as YAML: " + e.getMessage(), e);
        }
        return new FileReading(source).read(document);
    }

    /**
     * A YAML reader that keeps every scalar as text (only {@code ~}, {@code null} and empty values become null).
     * Without this, YAML would turn {@code 1801.80} into a binary double and {@code 2024-10-29} into a
     * {@code java.util.Date} in the JVM's time zone; parsing the text ourselves gives exact decimals and dates.
     * Duplicate keys are refused: a parameter written twice would otherwise silently take the last value.
     */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Resolver scalarsAsText = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
                addImplicitResolver(Tag.NULL, EMPTY, null, 10);
            }
        };
        return new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options,
                scalarsAsText);
    }

    /** One reading of one file: holds the file name so every helper can report where a problem is. */
    private final class FileReading {

        private final String source;

        FileReading(String source) {
            this.source = source;
        }

        RuleSetCatalogue read(Object document) {
            Map<String, Object> root = map(document, "the document", ROOT_KEYS);
            List<RuleSet> ruleSets = new ArrayList<>();
            List<Object> ruleSetEntries = list(root.get("ruleSets"), "ruleSets");
            for (int i = 0; i < ruleSetEntries.size(); i++) {
                ruleSets.add(ruleSet(ruleSetEntries.get(i), "ruleSets[" + i + "]"));
            }
            ruleSets.sort(Comparator.comparing(RuleSet::validFrom));
            checkVersionsAreUnique(ruleSets);
            checkNoGapOrOverlap(ruleSets);

            Map<LocalDate, BigDecimal> smic = referenceSmic(root.get("referenceSmic"));
            LocalDate firstSmicDate = smic.keySet().iterator().next();
            if (firstSmicDate.isAfter(ruleSets.get(0).validFrom())) {
                throw invalid("referenceSmic starts on " + firstSmicDate + ", after the first rule set ("
                        + ruleSets.get(0).version() + ", from " + ruleSets.get(0).validFrom() + ")");
            }
            return new RuleSetCatalogue(source, ruleSets, smic);
        }

        private RuleSet ruleSet(Object entry, String where) {
            Map<String, Object> fields = map(entry, where, RULE_SET_KEYS);
            String version = requiredText(fields, "version", where);
            String here = "rule set " + version;
            LocalDate validFrom = date(requiredText(fields, "validFrom", here), here + ", validFrom");
            String validToText = optionalText(fields, "validTo", here);
            LocalDate validTo = validToText == null ? null : date(validToText, here + ", validTo");
            if (validTo != null && !validTo.isAfter(validFrom)) {
                throw invalid(here + ": validTo " + validTo + " must be after validFrom " + validFrom);
            }
            Map<Programme, LocalDate> closed = closedProgrammes(fields.get("closedProgrammes"), here, validFrom);
            Map<String, BigDecimal> parameters = parameters(fields.get("parameters"), here, closed.keySet());
            return new RuleSet(version, validFrom, validTo, parameters, closed);
        }

        private Map<Programme, LocalDate> closedProgrammes(Object section, String here, LocalDate validFrom) {
            Map<Programme, LocalDate> closed = new EnumMap<>(Programme.class);
            if (section == null) {
                return closed;
            }
            String where = here + ", closedProgrammes";
            for (Map.Entry<String, Object> entry : map(section, where, null).entrySet()) {
                Programme programme = programme(entry.getKey(), where);
                String closureWhere = where + "." + entry.getKey();
                Map<String, Object> closure = map(entry.getValue(), closureWhere, CLOSURE_KEYS);
                LocalDate lastDay = date(requiredText(closure, "lastApplicationDate", closureWhere),
                        closureWhere + ".lastApplicationDate");
                // A closure in the middle of a rule set would make the set mean two things; split it instead.
                if (!lastDay.isBefore(validFrom)) {
                    throw invalid(closureWhere + ": lastApplicationDate " + lastDay
                            + " must be before the rule set starts (" + validFrom
                            + "); start a new rule set on the day after it");
                }
                closed.put(programme, lastDay);
            }
            return closed;
        }

        private Map<String, BigDecimal> parameters(Object section, String here, Set<Programme> closed) {
            Map<String, BigDecimal> values = new TreeMap<>();
            String where = here + ", parameters";
            Map<String, Object> groups = section == null ? Map.of() : map(section, where, null);
            for (Map.Entry<String, Object> group : groups.entrySet()) {
                for (Map.Entry<String, Object> value : map(group.getValue(), where + "." + group.getKey(), null)
                        .entrySet()) {
                    String key = group.getKey() + "." + value.getKey();
                    RuleParameter declared = declaredParameters.get(key);
                    if (declared == null) {
                        throw invalid(here + ": unknown parameter " + key + " (known parameters: "
                                + new TreeSet<>(declaredParameters.keySet()) + ")");
                    }
                    values.put(key, number(declared, value.getValue(), here));
                }
            }
            for (RuleParameter declared : declaredParameters.values()) {
                if (!closed.contains(declared.programme()) && !values.containsKey(declared.key())) {
                    throw invalid(here + ": missing parameter " + declared.key());
                }
            }
            return values;
        }

        private BigDecimal number(RuleParameter parameter, Object raw, String here) {
            String where = here + ", " + parameter.key();
            String text = scalar(raw, where);
            if (text == null) {
                throw invalid(where + ": no value");
            }
            BigDecimal value;
            try {
                value = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw invalid(where + ": '" + text + "' is not a number (use a decimal point, no spaces)");
            }
            if (value.signum() < 0) {
                throw invalid(where + ": " + text + " must not be negative");
            }
            if (parameter.type() == RuleParameter.Type.INTEGER && value.stripTrailingZeros().scale() > 0) {
                throw invalid(where + ": " + text + " must be a whole number");
            }
            return value;
        }

        private Map<LocalDate, BigDecimal> referenceSmic(Object section) {
            List<Object> entries = list(section, "referenceSmic");
            Map<LocalDate, BigDecimal> smic = new TreeMap<>();
            LocalDate previous = null;
            for (int i = 0; i < entries.size(); i++) {
                String where = "referenceSmic[" + i + "]";
                Map<String, Object> entry = map(entries.get(i), where, SMIC_KEYS);
                LocalDate from = date(requiredText(entry, "from", where), where + ".from");
                if (previous != null && !from.isAfter(previous)) {
                    throw invalid(where + ": from " + from + " must be after the previous value's " + previous
                            + " (list the SMIC values in date order, once each)");
                }
                String amountText = requiredText(entry, "grossMonthlyEur", where);
                BigDecimal amount;
                try {
                    amount = new BigDecimal(amountText);
                } catch (NumberFormatException e) {
                    throw invalid(where + ".grossMonthlyEur: '" + amountText + "' is not a number");
                }
                if (amount.signum() <= 0) {
                    throw invalid(where + ".grossMonthlyEur: " + amountText + " must be positive");
                }
                smic.put(from, amount);
                previous = from;
            }
            return smic;
        }

        private void checkVersionsAreUnique(List<RuleSet> ruleSets) {
            Set<String> seen = new HashSet<>();
            for (RuleSet ruleSet : ruleSets) {
                if (!seen.add(ruleSet.version())) {
                    throw invalid("rule set version " + ruleSet.version() + " appears twice");
                }
            }
        }

        /** Sorted by validFrom, each rule set must end exactly when the next one starts. */
        private void checkNoGapOrOverlap(List<RuleSet> ruleSets) {
            for (int i = 1; i < ruleSets.size(); i++) {
                RuleSet previous = ruleSets.get(i - 1);
                RuleSet next = ruleSets.get(i);
                if (previous.validTo() == null || previous.validTo().isAfter(next.validFrom())) {
                    throw invalid("rule sets " + previous.version() + " and " + next.version()
                            + " overlap: " + previous.version() + " is valid until "
                            + (previous.validTo() == null ? "further notice" : previous.validTo() + " (exclusive)")
                            + " but " + next.version() + " starts on " + next.validFrom());
                }
                if (previous.validTo().isBefore(next.validFrom())) {
                    throw invalid("gap between rule sets " + previous.version() + " and " + next.version()
                            + ": no rule set covers " + previous.validTo() + " to " + next.validFrom().minusDays(1));
                }
            }
        }

        // --- small typed readers of the untyped YAML tree -------------------------------------------------------

        @SuppressWarnings("unchecked")
        private Map<String, Object> map(Object node, String where, Set<String> allowedKeys) {
            if (!(node instanceof Map)) {
                throw invalid(where + " must be a mapping (key: value lines)");
            }
            Map<String, Object> map = (Map<String, Object>) node;
            if (allowedKeys != null) {
                for (String key : map.keySet()) {
                    if (!allowedKeys.contains(key)) {
                        throw invalid(where + ": unknown key '" + key + "' (expected " + new TreeSet<>(allowedKeys)
                                + ")");
                    }
                }
            }
            return map;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object node, String where) {
            if (!(node instanceof List) || ((List<Object>) node).isEmpty()) {
                throw invalid(where + " must be a non-empty list");
            }
            return (List<Object>) node;
        }

        private String requiredText(Map<String, Object> map, String key, String where) {
            String text = optionalText(map, key, where);
            if (text == null) {
                throw invalid(where + ": missing " + key);
            }
            return text;
        }

        private String optionalText(Map<String, Object> map, String key, String where) {
            return scalar(map.get(key), where + "." + key);
        }

        private String scalar(Object node, String where) {
            if (node == null) {
                return null;
            }
            if (!(node instanceof String text)) {
                throw invalid(where + " must be a single value");
            }
            return text.isBlank() ? null : text.trim();
        }

        private LocalDate date(String text, String where) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(where + ": '" + text + "' is not a date (yyyy-MM-dd)");
            }
        }

        private Programme programme(String name, String where) {
            try {
                return Programme.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw invalid(where + ": unknown programme " + name);
            }
        }

        private InvalidRuleSetFileException invalid(String problem) {
            return new InvalidRuleSetFileException(source, problem);
        }
    }
}
