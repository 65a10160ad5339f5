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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.territory.InseeCodes;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a rule-set file (see {@code src/main/resources/eligibility/rule-sets.yaml} for the format) and refuses it,
 * with an {@link InvalidRuleSetFileException} naming the file and the line, unless it is complete and consistent:
 * <ul>
 *   <li>rule sets follow each other in time without gap or overlap, with unique versions;</li>
 *   <li>each rule set has every parameter the rules declared, well typed, and no unknown (misspelt) one, except
 *       that a programme closed in a rule set needs no parameter there;</li>
 *   <li>the reference SMIC is known from the first rule set's start on;</li>
 *   <li>the needs and programmes of {@code suggestedProgrammes} exist, each programme once per need;</li>
 *   <li>a territory parameter is a list of well-formed INSEE codes of its kind, each once.</li>
 * </ul>
 * The file is read as a YAML node tree (not as plain maps) so that every problem can be reported at its line:
 * the key that is unknown, misspelt, written twice or badly valued; the {@code validTo} that overlaps the next rule
 * set or leaves a gap; the programme section (or {@code parameters:} line) a threshold is missing from.
 * Checking all this when the hub starts means a bad edit of the file stops the deployment instead of producing
 * wrong decisions later.
 */
public final class RuleSetLoader {

    private static final Set<String> ROOT_KEYS = Set.of("referenceSmic", "ruleSets");
    private static final Set<String> RULE_SET_KEYS =
            Set.of("version", "validFrom", "validTo", "closedProgrammes", "suggestedProgrammes", "parameters");
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
        Node document;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            document = yaml().compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new InvalidRuleSetFileException(source, mark == null ? 0 : mark.getLine() + 1,
                    "not readable as YAML: " + e.getMessage(), e);
        } catch (YAMLException | IOException e) {
            throw new InvalidRuleSetFileException(source, "not readable as YAML: " + e.getMessage(), e);
        }
        return new FileReading(source).read(document);
    }

    /**
     * A YAML reader used only through {@link Yaml#compose}: a node tree whose scalars stay text, with their lines.
     * The loader parses the text itself, giving exact decimals and dates (YAML's own typing would turn
     * {@code 1801.80} into a binary double and {@code 2024-10-29} into a {@code java.util.Date} in the JVM's time
     * zone); the resolver only tags {@code ~}, {@code null} and empty values as null. Duplicate keys are refused
     * while reading the tree, since a parameter written twice would otherwise silently take the last value.
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

    /** Line of a node in the file, 1 for the first line. */
    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** Absent, {@code ~}, {@code null} or empty. */
    private static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /**
     * The entries of one YAML mapping by key, keeping the key nodes for their lines.
     *
     * @param line line of the mapping itself, reported for a key it lacks
     */
    private record Fields(int line, Map<String, NodeTuple> entries) {

        Node value(String key) {
            NodeTuple entry = entries.get(key);
            return entry == null ? null : entry.getValueNode();
        }

        /** Line of the key, or of the mapping when the key is absent. */
        int line(String key) {
            NodeTuple entry = entries.get(key);
            return entry == null ? line : RuleSetLoader.line(entry.getKeyNode());
        }
    }

    /** A rule set with the lines its checks across rule sets report. */
    private record ReadRuleSet(RuleSet ruleSet, int versionLine, int validFromLine, int validToLine) {
    }

    /** One reading of one file: holds the file name so every helper can report where a problem is. */
    private final class FileReading {

        private final String source;

        FileReading(String source) {
            this.source = source;
        }

        RuleSetCatalogue read(Node document) {
            Fields root = mapping(document, "the document", 1, ROOT_KEYS);
            List<ReadRuleSet> ruleSets = new ArrayList<>();
            for (ItemNode item : list(root.value("ruleSets"), "ruleSets", root.line("ruleSets"))) {
                ruleSets.add(ruleSet(item.node(), "ruleSets[" + item.index() + "]", line(item.node())));
            }
            checkVersionsAreUnique(ruleSets);
            ruleSets.sort(Comparator.comparing((ReadRuleSet read) -> read.ruleSet().validFrom()));
            checkNoGapOrOverlap(ruleSets);

            SmicReading smic = referenceSmic(root.value("referenceSmic"), root.line("referenceSmic"));
            LocalDate firstSmicDate = smic.values().keySet().iterator().next();
            RuleSet first = ruleSets.get(0).ruleSet();
            if (firstSmicDate.isAfter(first.validFrom())) {
                throw invalid(smic.firstLine(), "referenceSmic starts on " + firstSmicDate
                        + ", after the first rule set (" + first.version() + ", from " + first.validFrom() + ")");
            }
            return new RuleSetCatalogue(source, ruleSets.stream().map(ReadRuleSet::ruleSet).toList(),
                    smic.values());
        }

        private ReadRuleSet ruleSet(Node entry, String where, int line) {
            Fields fields = mapping(entry, where, line, RULE_SET_KEYS);
            String version = requiredText(fields, "version", where);
            String here = "rule set " + version;
            LocalDate validFrom = date(requiredText(fields, "validFrom", here), here + ", validFrom",
                    fields.line("validFrom"));
            String validToText = optionalText(fields, "validTo", here);
            LocalDate validTo = validToText == null ? null
                    : date(validToText, here + ", validTo", fields.line("validTo"));
            if (validTo != null && !validTo.isAfter(validFrom)) {
                throw invalid(fields.line("validTo"), here + ": validTo " + validTo + " must be after validFrom "
                        + validFrom);
            }
            Map<Programme, LocalDate> closed = closedProgrammes(fields, here, validFrom);
            Map<Need, List<Programme>> suggested = suggestedProgrammes(fields, here);
            Map<String, BigDecimal> parameters = new TreeMap<>();
            Map<String, List<String>> codeLists = new TreeMap<>();
            parameters(fields, here, closed.keySet(), parameters, codeLists);
            return new ReadRuleSet(new RuleSet(version, validFrom, validTo, parameters, codeLists, closed, suggested),
                    fields.line("version"), fields.line("validFrom"), fields.line("validTo"));
        }

        private Map<Programme, LocalDate> closedProgrammes(Fields ruleSet, String here, LocalDate validFrom) {
            Map<Programme, LocalDate> closed = new EnumMap<>(Programme.class);
            Node section = ruleSet.value("closedProgrammes");
            if (isNull(section)) {
                return closed;
            }
            String where = here + ", closedProgrammes";
            Fields programmes = mapping(section, where, ruleSet.line("closedProgrammes"), null);
            for (String name : programmes.entries().keySet()) {
                Programme programme = programme(name, where, programmes.line(name));
                String closureWhere = where + "." + name;
                Fields closure = mapping(programmes.value(name), closureWhere, programmes.line(name), CLOSURE_KEYS);
                int lastDayLine = closure.line("lastApplicationDate");
                LocalDate lastDay = date(requiredText(closure, "lastApplicationDate", closureWhere),
                        closureWhere + ".lastApplicationDate", lastDayLine);
                // A closure in the middle of a rule set would make the set mean two things; split it instead.
                if (!lastDay.isBefore(validFrom)) {
                    throw invalid(lastDayLine, closureWhere + ": lastApplicationDate " + lastDay
                            + " must be before the rule set starts (" + validFrom
                            + "); start a new rule set on the day after it");
                }
                closed.put(programme, lastDay);
            }
            return closed;
        }

        /**
         * {@code suggestedProgrammes}: a need ({@code LOGEMENT}, ...) and the list of programmes it suggests. Absent
         * or empty, the needs suggest nothing during the rule set (only the requested programmes are decided).
         */
        private Map<Need, List<Programme>> suggestedProgrammes(Fields ruleSet, String here) {
            Map<Need, List<Programme>> suggested = new EnumMap<>(Need.class);
            Node section = ruleSet.value("suggestedProgrammes");
            if (isNull(section)) {
                return suggested;
            }
            String where = here + ", suggestedProgrammes";
            Fields needs = mapping(section, where, ruleSet.line("suggestedProgrammes"), null);
            for (String name : needs.entries().keySet()) {
                Need need;
                try {
                    need = Need.valueOf(name);
                } catch (IllegalArgumentException e) {
                    throw invalid(needs.line(name), where + ": unknown need " + name + " (known needs: "
                            + List.of(Need.values()) + ")");
                }
                List<Programme> programmes = new ArrayList<>();
                for (ItemNode item : list(needs.value(name), where + "." + name, needs.line(name))) {
                    int line = line(item.node());
                    String programmeName = scalar(item.node(), where + "." + name + "[" + item.index() + "]", line);
                    Programme programme = programme(programmeName == null ? "" : programmeName, where + "." + name,
                            line);
                    if (programmes.contains(programme)) {
                        throw invalid(line, where + "." + name + ": " + programme + " is listed twice");
                    }
                    programmes.add(programme);
                }
                suggested.put(need, List.copyOf(programmes));
            }
            return suggested;
        }

        /** Reads the {@code parameters} section into the numbers and the territory code lists. */
        private void parameters(Fields ruleSet, String here, Set<Programme> closed, Map<String, BigDecimal> values,
                Map<String, List<String>> codeLists) {
            String where = here + ", parameters";
            Node section = ruleSet.value("parameters");
            Fields groups = isNull(section) ? new Fields(ruleSet.line("parameters"), Map.of())
                    : mapping(section, where, ruleSet.line("parameters"), null);
            for (String group : groups.entries().keySet()) {
                Fields parameters = mapping(groups.value(group), where + "." + group, groups.line(group), null);
                for (String name : parameters.entries().keySet()) {
                    String key = group + "." + name;
                    RuleParameter declared = declaredParameters.get(key);
                    if (declared == null) {
                        throw invalid(parameters.line(name), here + ": unknown parameter " + key
                                + " (known parameters: " + new TreeSet<>(declaredParameters.keySet()) + ")");
                    }
                    if (declared.type().isCodeList()) {
                        codeLists.put(key, codeList(declared, parameters.value(name), here, parameters.line(name)));
                    } else {
                        values.put(key, number(declared, parameters.value(name), here, parameters.line(name)));
                    }
                }
            }
            for (RuleParameter declared : declaredParameters.values()) {
                if (!closed.contains(declared.programme()) && !values.containsKey(declared.key())
                        && !codeLists.containsKey(declared.key())) {
                    // Reported where it belongs: the programme's section, else the parameters line.
                    String group = declared.programme().name();
                    int line = groups.entries().containsKey(group) ? groups.line(group) : ruleSet.line("parameters");
                    throw invalid(line, here + ": missing parameter " + declared.key());
                }
            }
        }

        /**
         * A territory: a non-empty list of INSEE codes of the parameter's kind, each once. Codes are checked for shape
         * only: the file's comments name each commune, for the reviewer to check against the INSEE list.
         */
        private List<String> codeList(RuleParameter parameter, Node raw, String here, int line) {
            String where = here + ", " + parameter.key();
            boolean departements = parameter.type() == RuleParameter.Type.DEPARTEMENTS;
            List<String> codes = new ArrayList<>();
            for (ItemNode item : list(raw, where, line)) {
                int itemLine = line(item.node());
                String code = scalar(item.node(), where + "[" + item.index() + "]", itemLine);
                boolean valid = departements ? InseeCodes.isDepartement(code) : InseeCodes.isCommune(code);
                if (!valid) {
                    throw invalid(itemLine, where + ": '" + code + "' is not an INSEE "
                            + (departements ? "departement code (e.g. 01, 2A, 971)"
                                    : "commune code (5 characters, e.g. 69123)"));
                }
                if (codes.contains(code)) {
                    throw invalid(itemLine, where + ": " + code + " is listed twice");
                }
                codes.add(code);
            }
            return List.copyOf(codes);
        }

        private BigDecimal number(RuleParameter parameter, Node raw, String here, int line) {
            String where = here + ", " + parameter.key();
            String text = scalar(raw, where, line);
            if (text == null) {
                throw invalid(line, where + ": no value");
            }
            BigDecimal value;
            try {
                value = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw invalid(line, where + ": '" + text + "' is not a number (use a decimal point, no spaces)");
            }
            if (value.signum() < 0) {
                throw invalid(line, where + ": " + text + " must not be negative");
            }
            if (parameter.type() == RuleParameter.Type.INTEGER && value.stripTrailingZeros().scale() > 0) {
                throw invalid(line, where + ": " + text + " must be a whole number");
            }
            return value;
        }

        /** The dated SMIC values, and the line of the first one. */
        private record SmicReading(Map<LocalDate, BigDecimal> values, int firstLine) {
        }

        private SmicReading referenceSmic(Node section, int sectionLine) {
            Map<LocalDate, BigDecimal> smic = new TreeMap<>();
            LocalDate previous = null;
            int firstLine = 0;
            for (ItemNode item : list(section, "referenceSmic", sectionLine)) {
                String where = "referenceSmic[" + item.index() + "]";
                Fields entry = mapping(item.node(), where, line(item.node()), SMIC_KEYS);
                LocalDate from = date(requiredText(entry, "from", where), where + ".from", entry.line("from"));
                if (previous != null && !from.isAfter(previous)) {
                    throw invalid(entry.line("from"), where + ": from " + from + " must be after the previous value's "
                            + previous + " (list the SMIC values in date order, once each)");
                }
                String amountText = requiredText(entry, "grossMonthlyEur", where);
                int amountLine = entry.line("grossMonthlyEur");
                BigDecimal amount;
                try {
                    amount = new BigDecimal(amountText);
                } catch (NumberFormatException e) {
                    throw invalid(amountLine, where + ".grossMonthlyEur: '" + amountText + "' is not a number");
                }
                if (amount.signum() <= 0) {
                    throw invalid(amountLine, where + ".grossMonthlyEur: " + amountText + " must be positive");
                }
                smic.put(from, amount);
                if (previous == null) {
                    firstLine = entry.line("from");
                }
                previous = from;
            }
            return new SmicReading(smic, firstLine);
        }

        /** In file order, so the second occurrence is the one reported. */
        private void checkVersionsAreUnique(List<ReadRuleSet> ruleSets) {
            Map<String, Integer> firstLines = new HashMap<>();
            for (ReadRuleSet read : ruleSets) {
                Integer first = firstLines.putIfAbsent(read.ruleSet().version(), read.versionLine());
                if (first != null) {
                    throw invalid(read.versionLine(), "rule set version " + read.ruleSet().version()
                            + " appears twice (first at line " + first + ")");
                }
            }
        }

        /**
         * Sorted by validFrom, each rule set must end exactly when the next one starts. A problem is reported at the
         * earlier rule set's {@code validTo}, the line to fix when a new rule set is added after it.
         */
        private void checkNoGapOrOverlap(List<ReadRuleSet> ruleSets) {
            for (int i = 1; i < ruleSets.size(); i++) {
                RuleSet previous = ruleSets.get(i - 1).ruleSet();
                RuleSet next = ruleSets.get(i).ruleSet();
                int line = ruleSets.get(i - 1).validToLine();
                String nextStart = next.version() + " starts on " + next.validFrom() + " (line "
                        + ruleSets.get(i).validFromLine() + ")";
                if (previous.validTo() == null || previous.validTo().isAfter(next.validFrom())) {
                    throw invalid(line, "rule sets " + previous.version() + " and " + next.version()
                            + " overlap: " + previous.version() + " is valid until "
                            + (previous.validTo() == null ? "further notice" : previous.validTo() + " (exclusive)")
                            + " but " + nextStart);
                }
                if (previous.validTo().isBefore(next.validFrom())) {
                    throw invalid(line, "gap between rule sets " + previous.version() + " and " + next.version()
                            + ": no rule set covers " + previous.validTo() + " to " + next.validFrom().minusDays(1)
                            + "; " + nextStart);
                }
            }
        }

        // --- small typed readers of the YAML node tree, each failing at the line of what it reads ---------------

        /**
         * @param line         line reported when the node is absent or null (the line of its key)
         * @param allowedKeys  keys the mapping may have; null for any
         */
        private Fields mapping(Node node, String where, int line, Set<String> allowedKeys) {
            if (!(node instanceof MappingNode mapping)) {
                throw invalid(isNull(node) ? line : line(node), where + " must be a mapping (key: value lines)");
            }
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (NodeTuple entry : mapping.getValue()) {
                Node keyNode = entry.getKeyNode();
                if (!(keyNode instanceof ScalarNode scalarKey) || isNull(keyNode)) {
                    throw invalid(line(keyNode), where + ": a key must be a plain name");
                }
                String key = scalarKey.getValue();
                NodeTuple first = entries.get(key);
                if (first != null) {
                    throw invalid(line(keyNode), where + ": duplicate key '" + key + "' (first at line "
                            + line(first.getKeyNode()) + ")");
                }
                if (allowedKeys != null && !allowedKeys.contains(key)) {
                    throw invalid(line(keyNode), where + ": unknown key '" + key + "' (expected "
                            + new TreeSet<>(allowedKeys) + ")");
                }
                entries.put(key, entry);
            }
            return new Fields(line(mapping), entries);
        }

        /** An item of a sequence, with its position for messages such as {@code ruleSets[1]}. */
        private record ItemNode(int index, Node node) {
        }

        private List<ItemNode> list(Node node, String where, int line) {
            if (!(node instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
                throw invalid(isNull(node) ? line : line(node), where + " must be a non-empty list");
            }
            List<ItemNode> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                items.add(new ItemNode(items.size(), item));
            }
            return items;
        }

        private String requiredText(Fields fields, String key, String where) {
            String text = optionalText(fields, key, where);
            if (text == null) {
                throw invalid(fields.line(key), where + ": missing " + key);
            }
            return text;
        }

        private String optionalText(Fields fields, String key, String where) {
            return scalar(fields.value(key), where + "." + key, fields.line(key));
        }

        private String scalar(Node node, String where, int line) {
            if (isNull(node)) {
                return null;
            }
            if (!(node instanceof ScalarNode scalar)) {
                throw invalid(line, where + " must be a single value");
            }
            String text = scalar.getValue();
            return text.isBlank() ? null : text.trim();
        }

        private LocalDate date(String text, String where, int line) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(line, where + ": '" + text + "' is not a date (yyyy-MM-dd)");
            }
        }

        private Programme programme(String name, String where, int line) {
            try {
                return Programme.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw invalid(line, where + ": unknown programme " + name);
            }
        }

        private InvalidRuleSetFileException invalid(int line, String problem) {
            return new InvalidRuleSetFileException(source, line, problem);
        }
    }
}
