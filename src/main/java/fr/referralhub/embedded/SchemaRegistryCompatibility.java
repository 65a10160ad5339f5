package fr.referralhub.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import fr.referralhub.embedded.SchemaRegistryStore.SchemaVersion;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Confluent's compatibility levels, checked with Avro's own reader/writer rules ({@link SchemaCompatibility}). */
enum SchemaRegistryCompatibility {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** Readers of the new schema can read data written with earlier ones: consumers upgrade first. */
    private final boolean backward;
    /** Readers of earlier schemas can read data written with the new one: producers upgrade first. */
    private final boolean forward;
    /** Checked against every earlier version, not only the latest. */
    private final boolean transitive;

    SchemaRegistryCompatibility(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    static SchemaRegistryCompatibility parse(String level) {
        if (level != null) {
            for (SchemaRegistryCompatibility candidate : values()) {
                if (candidate.name().equals(level.trim().toUpperCase(Locale.ROOT))) {
                    return candidate;
                }
            }
        }
        throw SchemaRegistryApiError.invalidCompatibilityLevel(level);
    }

    /**
     * What stops {@code candidate} from following {@code earlier} (oldest first, live versions only) at this level,
     * one readable line per problem; empty when compatible. {@code resolve} gives a version's schema with its
     * references resolved, as a reader or writer sees it.
     */
    List<String> problems(Schema candidate, List<SchemaVersion> earlier, Function<SchemaVersion, Schema> resolve) {
        if (earlier.isEmpty()) {
            return List.of();
        }
        List<SchemaVersion> checked = transitive ? earlier : List.of(earlier.get(earlier.size() - 1));
        List<String> problems = new ArrayList<>();
        for (SchemaVersion version : checked) {
            Schema previous = resolve.apply(version);
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
                        "the new schema cannot read data written with version " + version.version(), problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
                        "version " + version.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction, List<String> problems) {
        for (Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(incompatibility.getType() + " at " + incompatibility.getLocation() + " ("
                    + direction + "): " + incompatibility.getMessage());
        }
    }
}
