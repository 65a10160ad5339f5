package fr.referralhub.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract's evolution rule: every topic's current value schema must read every released version
 * (BACKWARD, checked transitively), and each released version is recorded in
 * {@code src/test/resources/schema-history/<subject>/v<N>.avsc}. Changing a schema in {@code schemas/} therefore
 * fails the build until the change is backward compatible and recorded as the next version.
 */
class SchemaEvolutionTest {

    private static final Path HISTORY = Path.of("src/test/resources/schema-history");

    static List<TopicSpec> topicsWithSchemas() {
        return new TopicCatalog(new HubTopicProperties("referrals.v1", "eligibility-decisions.v1", "dead-letters.v1",
                "operator-audit.v1", 3,
                (short) 1)).all().stream().filter(spec -> spec.valueSchema() != null).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicsWithSchemas")
    void shouldReadEveryReleasedVersion(TopicSpec topic) throws IOException {
        List<Path> released = releasedVersions(topic);
        assertThat(released).as("released versions of %s in %s", topic.valueSubject(), HISTORY).isNotEmpty();
        for (Path version : released) {
            Schema writer = new Schema.Parser().parse(version.toFile());
            var result = SchemaCompatibility.checkReaderWriterCompatibility(topic.valueSchema(), writer).getResult();
            assertThat(result.getCompatibility())
                    .as("schemas/ change to %s cannot read %s: %s", topic.valueSubject(), version.getFileName(),
                            result.getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicsWithSchemas")
    void shouldRecordTheCurrentSchemaAsTheLatestVersion(TopicSpec topic) throws IOException {
        List<Path> released = releasedVersions(topic);
        Path latest = released.get(released.size() - 1);
        Schema recorded = new Schema.Parser().parse(latest.toFile());
        assertThat(topic.valueSchema())
                .as("the schema of %s changed: once it is backward compatible, record it as v%d.avsc in %s",
                        topic.valueSubject(), released.size() + 1, HISTORY.resolve(topic.valueSubject()))
                .isEqualTo(recorded);
    }

    private static List<Path> releasedVersions(TopicSpec topic) throws IOException {
        Path dir = HISTORY.resolve(topic.valueSubject());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("v\\d+\\.avsc"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("\\D", ""))))
                    .toList();
        }
    }
}
