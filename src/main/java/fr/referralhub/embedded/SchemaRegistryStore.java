package fr.referralhub.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * The embedded schema registry's state and rules: subjects, versions, global ids, compatibility levels.
 *
 * <p>Every change is first written to the {@link SchemaRegistryJournal} and only then applied here, through the
 * same {@code apply...} methods a replay of the journal uses, so memory never holds what the topic lacks. One
 * monitor serializes all operations: ids and versions are handed out one at a time.
 */
final class SchemaRegistryStore {

    /** One version of a subject. {@code schema} is in canonical form ({@code Schema.toString()}). */
    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) {

        SchemaVersion asDeleted() {
            return new SchemaVersion(subject, version, id, schema, true);
        }
    }

    private final SchemaRegistryJournal journal;
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final SortedMap<String, SortedMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<String, SchemaRegistryCompatibility> subjectLevels = new HashMap<>();
    private SchemaRegistryCompatibility globalLevel = SchemaRegistryCompatibility.BACKWARD;
    private int maxId;

    SchemaRegistryStore(SchemaRegistryJournal journal) {
        this.journal = journal;
    }

    // ---- applying journal records (replay and after each write) ----

    synchronized void applySchema(SchemaVersion version) {
        maxId = Math.max(maxId, version.id());
        schemaById.putIfAbsent(version.id(), version.schema());
        idBySchema.putIfAbsent(version.schema(), version.id());
        subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
    }

    /** A tombstone: the version was permanently deleted (by a Confluent registry sharing the topic). */
    synchronized void applySchemaRemoval(String subject, int version) {
        SortedMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.remove(version);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
        }
    }

    /** Records an id a journal record used without this registry serving it, so it is never handed out again. */
    synchronized void reserveId(int id) {
        maxId = Math.max(maxId, id);
    }

    /** {@code level} null clears the setting: a subject falls back to the global level, the global one to BACKWARD. */
    synchronized void applyCompatibility(String subjectOrNull, SchemaRegistryCompatibility level) {
        if (subjectOrNull == null) {
            globalLevel = level != null ? level : SchemaRegistryCompatibility.BACKWARD;
        } else if (level == null) {
            subjectLevels.remove(subjectOrNull);
        } else {
            subjectLevels.put(subjectOrNull, level);
        }
    }

    // ---- the API ----

    /** Registers a schema under a subject; the same schema again answers its existing version. */
    synchronized SchemaVersion register(String subject, Schema schema) {
        String canonical = schema.toString();
        List<SchemaVersion> live = liveVersions(subject);
        for (SchemaVersion version : live) {
            if (version.schema().equals(canonical)) {
                return version;
            }
        }
        SchemaRegistryCompatibility level = effectiveLevel(subject);
        List<String> problems = level.problems(schema, live);
        if (!problems.isEmpty()) {
            throw SchemaRegistryApiError.incompatible("Schema being registered is incompatible with an earlier schema"
                    + " for subject '" + subject + "' (compatibility " + level + "), details: " + problems);
        }
        Integer known = idBySchema.get(canonical);
        // A new id is reserved before the write: a write that fails ambiguously may still reach the topic,
        // so its id must never be handed out for another schema.
        int id = known != null ? known : ++maxId;
        SortedMap<Integer, SchemaVersion> all = subjects.get(subject);
        int version = all == null ? 1 : all.lastKey() + 1;
        SchemaVersion created = new SchemaVersion(subject, version, id, canonical, false);
        journal.appendSchema(created);
        applySchema(created);
        return created;
    }

    synchronized SchemaVersion lookup(String subject, Schema schema) {
        String canonical = schema.toString();
        List<SchemaVersion> live = requireLiveVersions(subject);
        return live.stream()
                .filter(version -> version.schema().equals(canonical))
                .findFirst()
                .orElseThrow(() -> SchemaRegistryApiError.schemaNotFound("under subject '" + subject + "'"));
    }

    synchronized String schema(int id) {
        String schema = schemaById.get(id);
        if (schema == null) {
            throw SchemaRegistryApiError.schemaNotFound("id " + id);
        }
        return schema;
    }

    /** The live subject versions that use a schema id. */
    synchronized List<SchemaVersion> usages(int id) {
        schema(id); // an unknown id is 40403, not an empty list
        List<SchemaVersion> usages = new ArrayList<>();
        for (SortedMap<Integer, SchemaVersion> versions : subjects.values()) {
            versions.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(usages::add);
        }
        return usages;
    }

    synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream()
                .filter(subject -> includeDeleted || !liveVersions(subject).isEmpty())
                .toList();
    }

    synchronized List<Integer> versions(String subject) {
        return requireLiveVersions(subject).stream().map(SchemaVersion::version).toList();
    }

    /** A live version by number, or the latest for {@code "latest"} or {@code "-1"} (Confluent's alias). */
    synchronized SchemaVersion version(String subject, String versionRef) {
        List<SchemaVersion> live = requireLiveVersions(subject);
        if (versionRef.equals("latest") || versionRef.equals("-1")) {
            return live.get(live.size() - 1);
        }
        int number = parseVersion(versionRef);
        return live.stream()
                .filter(version -> version.version() == number)
                .findFirst()
                .orElseThrow(() -> SchemaRegistryApiError.versionNotFound(subject, versionRef));
    }

    /** Soft delete, as Confluent's default: ids stay resolvable, the versions disappear from the subject. */
    synchronized List<Integer> softDelete(String subject) {
        List<Integer> deleted = new ArrayList<>();
        for (SchemaVersion version : requireLiveVersions(subject)) {
            SchemaVersion tombstoned = version.asDeleted();
            journal.appendSchema(tombstoned);
            applySchema(tombstoned);
            deleted.add(version.version());
        }
        return deleted;
    }

    /**
     * What stops {@code schema} from being registered: checked at the subject's level against its live versions for
     * {@code "latest"}, or against one version only; empty when compatible (or when the subject has no versions).
     */
    synchronized List<String> compatibilityProblems(String subject, Schema schema, String versionRef) {
        SchemaRegistryCompatibility level = effectiveLevel(subject);
        if (versionRef.equals("latest") || versionRef.equals("-1")) {
            return level.problems(schema, liveVersions(subject));
        }
        return level.problems(schema, List.of(version(subject, versionRef)));
    }

    synchronized SchemaRegistryCompatibility globalCompatibility() {
        return globalLevel;
    }

    synchronized Optional<SchemaRegistryCompatibility> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized void setCompatibility(String subjectOrNull, SchemaRegistryCompatibility level) {
        journal.appendCompatibility(subjectOrNull, level);
        applyCompatibility(subjectOrNull, level);
    }

    synchronized int schemaCount() {
        return schemaById.size();
    }

    private SchemaRegistryCompatibility effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private List<SchemaVersion> liveVersions(String subject) {
        SortedMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(version -> !version.deleted()).toList();
    }

    private List<SchemaVersion> requireLiveVersions(String subject) {
        List<SchemaVersion> live = liveVersions(subject);
        if (live.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        return live;
    }

    private static int parseVersion(String versionRef) {
        try {
            int number = Integer.parseInt(versionRef);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Falls through to the registry's own error.
        }
        throw SchemaRegistryApiError.invalidVersion(versionRef);
    }
}
