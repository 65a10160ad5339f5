package fr.referralhub.logging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.testing.Samples;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * The personal data in the partner samples, read from the sample files themselves (a new sample or field is covered
 * without editing a list): names, NIRs (with and without spaces), France Travail ids, birth dates (as written and in
 * the other usual form), phone numbers (international and national form) and e-mail addresses.
 */
final class SamplePersonalData {

    /** Field, column, element and attribute names that hold personal data, in the three partner formats. */
    private static final Set<String> NAMES = Set.of("nom", "prenom");
    private static final Set<String> NIRS = Set.of("nir");
    private static final Set<String> BIRTH_DATES = Set.of("dateNaissance", "date_naissance");
    private static final Set<String> PHONES = Set.of("telephone");
    private static final Set<String> EMAILS = Set.of("courriel", "email");
    private static final Set<String> OTHER_IDENTIFIERS = Set.of("identifiantFranceTravail", "identifiant_france_travail");
    /** Elements naming an organisation, whose {@code nom} is not a person's. */
    private static final Set<String> ORGANISATIONS = Set.of("bailleur", "structure");
    private static final DateTimeFormatter FRENCH_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SamplePersonalData() {
    }

    /** Every personal value of every sample, in the forms it may take once parsed. */
    static Set<String> values() {
        Set<String> values = new TreeSet<>();
        for (Path sample : sampleFiles()) {
            String name = sample.getFileName().toString();
            if (name.endsWith(".json")) {
                fromJson(read(sample), values);
            } else if (name.endsWith(".csv")) {
                fromCsv(read(sample), values);
            } else if (name.endsWith(".xml")) {
                fromXml(sample, values);
            }
        }
        return values;
    }

    private static List<Path> sampleFiles() {
        try (Stream<Path> files = Files.walk(Samples.DIR)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("README.md"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fromJson(String text, Set<String> values) {
        try {
            walk(JSON.readTree(text), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void walk(JsonNode node, Set<String> values) {
        node.fields().forEachRemaining(field -> {
            if (field.getValue().isValueNode()) {
                add(field.getKey(), field.getValue().asText(), values);
            } else {
                walk(field.getValue(), values);
            }
        });
        if (node.isArray()) {
            node.forEach(element -> walk(element, values));
        }
    }

    private static void fromCsv(String text, Set<String> values) {
        List<String> lines = text.replace("\uFEFF", "").lines().filter(line -> !line.isBlank()).toList();
        String[] header = lines.get(0).split(";", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(";", -1);
            for (int i = 0; i < header.length && i < cells.length; i++) {
                add(header[i].trim(), cells[i], values);
            }
        }
    }

    private static void fromXml(Path sample, Set<String> values) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(sample.toFile());
            NodeList elements = document.getElementsByTagName("*");
            for (int i = 0; i < elements.getLength(); i++) {
                Element element = (Element) elements.item(i);
                if (element.getElementsByTagName("*").getLength() == 0) {
                    add(element.getLocalName() != null ? element.getLocalName() : element.getTagName(),
                            element.getTextContent(), values);
                }
                if (ORGANISATIONS.contains(element.getLocalName())) {
                    continue; // <bailleur nom="..."/>: an organisation's name, not a person's
                }
                NamedNodeMap attributes = element.getAttributes();
                for (int a = 0; a < attributes.getLength(); a++) {
                    add(attributes.item(a).getNodeName(), attributes.item(a).getNodeValue(), values);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + sample, e);
        }
    }

    private static void add(String field, String raw, Set<String> values) {
        String value = raw == null ? "" : raw.trim();
        if (value.isEmpty()) {
            return;
        }
        List<String> forms = new ArrayList<>();
        if (NAMES.contains(field) || EMAILS.contains(field) || OTHER_IDENTIFIERS.contains(field)) {
            forms.add(value);
        } else if (NIRS.contains(field)) {
            forms.add(value);
            forms.add(value.replaceAll("\\s", ""));
        } else if (BIRTH_DATES.contains(field)) {
            forms.add(value);
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                forms.add(LocalDate.parse(value).format(FRENCH_DATE));
            } else if (value.matches("\\d{2}/\\d{2}/\\d{4}")) {
                forms.add(LocalDate.parse(value, FRENCH_DATE).toString());
            }
        } else if (PHONES.contains(field)) {
            forms.add(value);
            if (value.startsWith("+33")) {
                forms.add("0" + value.substring(3));
            }
        }
        values.addAll(forms);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
