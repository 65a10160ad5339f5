package fr.referralhub.embedded;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.avro.Schema;

/**
 * The embedded schema registry's state and rules: subjects, versions, global ids, references, compatibility levels
 * and modes, with Confluent's answers to each misuse.
 *
 * <p>Every change is first written to the {@link SchemaRegistryJournal} and only then applied here, through the
 * same {@code apply...} methods a replay of the journal uses, so memory never holds what the topic lacks. One
 * monitor serializes all operations: ids and versions are handed out one at a time.
 */
final class SchemaRegistryStore {

    /** A named import of another subject's version: its named types are known to the schema that references it. */
    record Reference(String name, String subject, int version) {
    }

    /**
     * One version of a subject. {@code schema} is in canonical form ({@code Schema.toString()}), the named types of
     * its references left as names, not copied in.
     */
    record SchemaVersion(String subject, int version, int id, String schema, List<Reference> references,
            boolean deleted) {

        SchemaVersion {
            references = List.copyOf(references);
        }

        SchemaVersion asDeleted() {
            return new SchemaVersion(subject, version, id, schema, references, true);
        }

        SchemaText text() {
            return new SchemaText(schema, references);
        }
    }

    /** What a global id stands for: a canonical schema with the references it was parsed with. */
    record SchemaText(String schema, List<Reference> references) {
    }

    /** A schema as a client sends it; {@code id} and {@code version} are null unless given (IMPORT mode). */
    record SchemaRequest(String schema, List<Reference> references, Integer id, Integer version) {
    }

    /** Confluent's version -1: the latest. */
    private static final int LATEST = -1;

    private final SchemaRegistryJournal journal;
    private final Map<Integer, SchemaText> textById = new HashMap<>();
    private final Map<SchemaText, Integer> idByText = new HashMap<>();
    private final SortedMap<String, SortedMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<String, SchemaRegistryCompatibility> subjectLevels = new HashMap<>();
    private final Map<String, SchemaRegistryMode> subjectModes = new HashMap<>();
    private final SchemaRegistryParser parser = new SchemaRegistryParser(this::referenced);
    private SchemaRegistryCompatibility globalLevel = SchemaRegistryCompatibility.BACKWARD;
    private SchemaRegistryMode globalMode = SchemaRegistryMode.READWRITE;
    private int maxId;

    SchemaRegistryStore(SchemaRegistryJournal journal) {
        this.journal = journal;
    }

    // ---- applying journal records (replay and after each write) ----

    synchronized void applySchema(SchemaVersion version) {
        maxId = Math.max(maxId, version.id());
        textById.putIfAbsent(version.id(), version.text());
        idByText.putIfAbsent(version.text(), version.id());
        subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>()).put(version.version(), version);
    }

    /** A tombstone: the version was permanently deleted. An id no version uses any more is no longer served. */
    synchronized void applySchemaRemoval(String subject, int version) {
        SortedMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return;
        }
        SchemaVersion removed = versions.remove(version);
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        if (removed != null && allVersions().noneMatch(v -> v.id() == removed.id())) {
            SchemaText text = textById.remove(removed.id());
            if (text != null) {
                idByText.remove(text);
            }
        }
        parser.forget();
    }

    /** Confluent's soft delete of a whole subject: every version up to {@code lastVersion} is deleted. */
    synchronized void applySubjectDeletion(String subject, int lastVersion) {
        SortedMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions != null) {
            versions.headMap(lastVersion + 1).replaceAll((number, version) -> version.asDeleted());
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

    /** {@code mode} null clears the setting: a subject falls back to the global mode, the global one to READWRITE. */
    synchronized void applyMode(String subjectOrNull, SchemaRegistryMode mode) {
        if (subjectOrNull == null) {
            globalMode = mode != null ? mode : SchemaRegistryMode.READWRITE;
        } else if (mode == null) {
            subjectModes.remove(subjectOrNull);
        } else {
            subjectModes.put(subjectOrNull, mode);
        }
    }

    // ---- registering and reading schemas ----

    /**
     * Registers a schema under a subject; the same schema again (or the same schema sent with its references
     * copied in) answers its existing version. In IMPORT mode the request brings the id, and no check is made.
     */
    synchronized SchemaVersion register(String subject, SchemaRequest request) {
        SchemaRegistryMode mode = effectiveMode(subject);
        boolean importing = request.id() != null;
        if (mode == SchemaRegistryMode.READONLY) {
            throw readOnly(subject);
        }
        if (importing && mode != SchemaRegistryMode.IMPORT) {
            throw SchemaRegistryApiError.operationNotPermitted("Subject '" + subject + "' is not in import mode:"
                    + " only an IMPORT registry accepts a schema with its id");
        }
        if (!importing && mode != SchemaRegistryMode.READWRITE) {
            throw SchemaRegistryApiError.operationNotPermitted("Subject '" + subject + "' is not in read-write mode");
        }
        // A new schema may only reference live versions; stored ones keep resolving after a soft delete.
        SchemaRegistryParser.Parsed parsed = parser.parse(request, false);
        List<SchemaVersion> live = versions(subject, false);
        Optional<SchemaVersion> existing = matching(live, parsed).filter(v -> !importing || v.id() == request.id());
        if (existing.isPresent() && (request.version() == null || request.version() == existing.get().version())) {
            return existing.get();
        }
        if (mode != SchemaRegistryMode.IMPORT) {
            SchemaRegistryCompatibility level = effectiveLevel(subject);
            List<String> problems = level.problems(parsed.resolved(), live, parser::resolve);
            if (!problems.isEmpty()) {
                throw SchemaRegistryApiError.incompatible("Schema being registered is incompatible with an earlier"
                        + " schema for subject '" + subject + "' (compatibility " + level + "), details: " + problems);
            }
        }
        int id = importing ? importedId(request.id(), parsed.text()) : newOrKnownId(parsed.text());
        SortedMap<Integer, SchemaVersion> all = subjects.get(subject);
        int next = all == null ? 1 : all.lastKey() + 1;
        int version = request.version() == null ? next : request.version();
        if (version != next && (mode != SchemaRegistryMode.IMPORT || (all != null && all.containsKey(version)))) {
            throw SchemaRegistryApiError.invalidSchema("Version " + version + " cannot be registered under subject '"
                    + subject + "': the next version is " + next);
        }
        SchemaVersion created = new SchemaVersion(subject, version, id, parsed.text().schema(),
                parsed.text().references(), false);
        journal.appendSchema(created);
        applySchema(created);
        return created;
    }

    /** The version of a subject holding a schema; soft-deleted versions too with {@code includeDeleted}. */
    synchronized SchemaVersion lookup(String subject, SchemaRequest request, boolean includeDeleted) {
        List<SchemaVersion> candidates = versions(subject, includeDeleted);
        if (candidates.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        SchemaRegistryParser.Parsed parsed = parser.parse(request, true);
        // Live versions first: a schema registered again after a soft delete answers its live version.
        List<SchemaVersion> liveFirst = candidates.stream()
                .sorted(Comparator.comparing(SchemaVersion::deleted)).toList();
        return matching(liveFirst, parsed)
                .orElseThrow(() -> SchemaRegistryApiError.schemaNotFound("under subject '" + subject + "'"));
    }

    synchronized SchemaText schema(int id) {
        SchemaText text = textById.get(id);
        if (text == null) {
            throw SchemaRegistryApiError.schemaNotFound("id " + id);
        }
        return text;
    }

    /** The subject versions that use a schema id. */
    synchronized List<SchemaVersion> usages(int id, boolean includeDeleted) {
        schema(id); // an unknown id is 40403, not an empty list
        return allVersions().filter(v -> v.id() == id && (includeDeleted || !v.deleted())).toList();
    }

    /** Every version of every subject whose name starts with {@code prefix}, or only the latest of each. */
    synchronized List<SchemaVersion> schemas(String prefix, boolean includeDeleted, boolean latestOnly) {
        List<SchemaVersion> found = new ArrayList<>();
        for (String subject : subjects.keySet()) {
            if (!subject.startsWith(prefix)) {
                continue;
            }
            List<SchemaVersion> versions = versions(subject, includeDeleted);
            if (latestOnly && !versions.isEmpty()) {
                found.add(versions.get(versions.size() - 1));
            } else if (!latestOnly) {
                found.addAll(versions);
            }
        }
        return found;
    }

    synchronized List<String> subjects(boolean includeDeleted, boolean deletedOnly) {
        return subjects.keySet().stream()
                .filter(subject -> {
                    boolean live = !versions(subject, false).isEmpty();
                    return deletedOnly ? !live : includeDeleted || live;
                })
                .toList();
    }

    synchronized List<Integer> versionNumbers(String subject, boolean includeDeleted, boolean deletedOnly) {
        List<SchemaVersion> versions = versions(subject, includeDeleted || deletedOnly);
        if (versions.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        return versions.stream().filter(v -> !deletedOnly || v.deleted()).map(SchemaVersion::version).toList();
    }

    /**
     * A version by number, or the latest for {@code "latest"} or {@code "-1"} (Confluent's alias): live only, or
     * soft-deleted ones too with {@code includeDeleted}.
     */
    synchronized SchemaVersion version(String subject, String versionRef, boolean includeDeleted) {
        int number = parseVersion(versionRef);
        List<SchemaVersion> versions = versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        if (number == LATEST) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(version -> version.version() == number)
                .findFirst()
                .orElseThrow(() -> SchemaRegistryApiError.versionNotFound(subject, versionRef));
    }

    /** The ids of the schemas that reference a version of a subject. */
    synchronized List<Integer> referencedBy(String subject, String versionRef, boolean includeDeleted) {
        return referrers(version(subject, versionRef, includeDeleted), includeDeleted).stream()
                .map(SchemaVersion::id).distinct().sorted().toList();
    }

    /**
     * What stops a schema from being registered: checked at the subject's level against its live versions for
     * {@code "latest"}, or against one version only; empty when compatible (or when the subject has no versions).
     */
    synchronized List<String> compatibilityProblems(String subject, SchemaRequest request, String versionRef) {
        SchemaRegistryCompatibility level = effectiveLevel(subject);
        SchemaRegistryParser.Parsed parsed = parser.parse(request, true);
        if (parseVersion(versionRef) == LATEST) {
            return level.problems(parsed.resolved(), versions(subject, false), parser::resolve);
        }
        return level.problems(parsed.resolved(), List.of(version(subject, versionRef, false)), parser::resolve);
    }

    // ---- deleting ----

    /**
     * Deletes a subject: a soft delete (ids stay resolvable, the versions leave the subject) or, after one, a
     * permanent delete that removes the versions, the subject's settings and the ids nothing else uses.
     */
    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<SchemaVersion> all = versions(subject, true);
        if (all.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        List<SchemaVersion> live = versions(subject, false);
        if (!permanent && live.isEmpty()) {
            throw SchemaRegistryApiError.subjectSoftDeleted(subject);
        }
        requireWritable(subject);
        List<SchemaVersion> targets = permanent ? all : live;
        for (SchemaVersion target : targets) {
            // A subject's versions may reference each other: they go together.
            List<Integer> others = referrers(target, permanent).stream()
                    .filter(v -> !v.subject().equals(subject)).map(SchemaVersion::id).distinct().toList();
            if (!others.isEmpty()) {
                throw SchemaRegistryApiError.referenceExists(subject, target.version(), others);
            }
        }
        if (permanent && !live.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotSoftDeleted(subject);
        }
        if (permanent) {
            // Newest first, as Confluent does: a version is gone before the versions it references.
            for (int i = targets.size() - 1; i >= 0; i--) {
                remove(targets.get(i));
            }
            clearSettings(subject);
        } else {
            targets.forEach(this::softDelete);
        }
        return targets.stream().map(SchemaVersion::version).toList();
    }

    /** Deletes one version, softly or (after a soft delete) permanently; answers its number. */
    synchronized int deleteVersion(String subject, String versionRef, boolean permanent) {
        int number = parseVersion(versionRef);
        List<SchemaVersion> all = versions(subject, true);
        if (all.isEmpty()) {
            throw SchemaRegistryApiError.subjectNotFound(subject);
        }
        List<SchemaVersion> live = versions(subject, false);
        SchemaVersion target;
        if (number == LATEST) {
            target = permanent || live.isEmpty() ? all.get(all.size() - 1) : live.get(live.size() - 1);
        } else {
            target = all.stream().filter(v -> v.version() == number).findFirst()
                    .orElseThrow(() -> SchemaRegistryApiError.versionNotFound(subject, versionRef));
        }
        if (!permanent && target.deleted()) {
            throw SchemaRegistryApiError.versionSoftDeleted(subject, target.version());
        }
        requireWritable(subject);
        List<Integer> referrers = referrers(target, permanent).stream().map(SchemaVersion::id).distinct().toList();
        if (!referrers.isEmpty()) {
            throw SchemaRegistryApiError.referenceExists(subject, target.version(), referrers);
        }
        if (permanent && !target.deleted()) {
            throw SchemaRegistryApiError.versionNotSoftDeleted(subject, target.version());
        }
        if (permanent) {
            remove(target);
            if (!subjects.containsKey(subject)) {
                clearSettings(subject);
            }
        } else {
            softDelete(target);
        }
        return target.version();
    }

    // ---- compatibility levels ----

    synchronized SchemaRegistryCompatibility globalCompatibility() {
        return globalLevel;
    }

    synchronized Optional<SchemaRegistryCompatibility> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized void setCompatibility(String subjectOrNull, SchemaRegistryCompatibility level) {
        requireWritable(subjectOrNull);
        journal.appendCompatibility(subjectOrNull, level);
        applyCompatibility(subjectOrNull, level);
    }

    /** Removes a subject's own level (40401 when it has none), or resets the global one; answers the level removed. */
    synchronized SchemaRegistryCompatibility deleteCompatibility(String subjectOrNull) {
        SchemaRegistryCompatibility previous = subjectOrNull == null ? globalLevel : subjectLevels.get(subjectOrNull);
        if (previous == null) {
            throw SchemaRegistryApiError.subjectNotFound(subjectOrNull);
        }
        requireWritable(subjectOrNull);
        journal.appendCompatibility(subjectOrNull, null);
        applyCompatibility(subjectOrNull, null);
        return previous;
    }

    // ---- modes ----

    synchronized SchemaRegistryMode globalMode() {
        return globalMode;
    }

    synchronized Optional<SchemaRegistryMode> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    /**
     * Sets the global mode ({@code null} subject) or a subject's own. Switching to IMPORT is refused while live
     * subjects exist in its scope, unless forced: imported ids must not meet ids this registry handed out.
     */
    synchronized void setMode(String subjectOrNull, SchemaRegistryMode mode, boolean force) {
        if (mode == SchemaRegistryMode.IMPORT && effectiveMode(subjectOrNull) != SchemaRegistryMode.IMPORT && !force) {
            List<String> scope = subjectOrNull == null ? List.copyOf(subjects.keySet())
                    : subjects.containsKey(subjectOrNull) ? List.of(subjectOrNull) : List.of();
            if (scope.stream().anyMatch(subject -> !versions(subject, false).isEmpty())) {
                throw SchemaRegistryApiError.operationNotPermitted("Cannot import since found existing subjects");
            }
            // Like Confluent: the soft-deleted versions left go for good, so imported versions cannot clash with them.
            for (String subject : scope) {
                List<SchemaVersion> left = versions(subject, true);
                for (int i = left.size() - 1; i >= 0; i--) {
                    SchemaVersion version = left.get(i);
                    List<Integer> referrers = referrers(version, true).stream().map(SchemaVersion::id).toList();
                    if (!referrers.isEmpty()) {
                        throw SchemaRegistryApiError.referenceExists(subject, version.version(), referrers);
                    }
                    remove(version);
                }
            }
        }
        journal.appendMode(subjectOrNull, mode);
        applyMode(subjectOrNull, mode);
    }

    /** Removes a subject's own mode (40401 when it has none), or resets the global one; answers the mode removed. */
    synchronized SchemaRegistryMode deleteMode(String subjectOrNull) {
        SchemaRegistryMode previous = subjectOrNull == null ? globalMode : subjectModes.get(subjectOrNull);
        if (previous == null) {
            throw SchemaRegistryApiError.subjectNotFound(subjectOrNull);
        }
        journal.appendMode(subjectOrNull, null);
        applyMode(subjectOrNull, null);
        return previous;
    }

    synchronized SchemaRegistryMode effectiveMode(String subjectOrNull) {
        return subjectOrNull == null ? globalMode : subjectModes.getOrDefault(subjectOrNull, globalMode);
    }

    synchronized int schemaCount() {
        return textById.size();
    }

    // ---- internals ----

    private SchemaRegistryCompatibility effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private void requireWritable(String subjectOrNull) {
        if (effectiveMode(subjectOrNull) == SchemaRegistryMode.READONLY) {
            throw readOnly(subjectOrNull);
        }
    }

    private static SchemaRegistryApiError readOnly(String subjectOrNull) {
        return SchemaRegistryApiError.operationNotPermitted(
                (subjectOrNull == null ? "The registry" : "Subject '" + subjectOrNull + "'") + " is in read-only mode");
    }

    /** The first version holding the same schema: same text and references, or the same schema once resolved. */
    private Optional<SchemaVersion> matching(List<SchemaVersion> candidates, SchemaRegistryParser.Parsed parsed) {
        return candidates.stream().filter(v -> v.text().equals(parsed.text())).findFirst()
                .or(() -> candidates.stream().filter(v -> parser.resolve(v).equals(parsed.resolved())).findFirst());
    }

    private int newOrKnownId(SchemaText text) {
        Integer known = idByText.get(text);
        // A new id is reserved before the write: a write that fails ambiguously may still reach the topic,
        // so its id must never be handed out for another schema.
        return known != null ? known : ++maxId;
    }

    private int importedId(int id, SchemaText text) {
        SchemaText holder = textById.get(id);
        if (holder != null && !holder.equals(text)) {
            throw SchemaRegistryApiError.idDoesNotMatch(id);
        }
        return id;
    }

    private void softDelete(SchemaVersion version) {
        SchemaVersion deleted = version.asDeleted();
        journal.appendSchema(deleted);
        applySchema(deleted);
    }

    private void remove(SchemaVersion version) {
        journal.appendSchemaRemoval(version.subject(), version.version());
        applySchemaRemoval(version.subject(), version.version());
    }

    /** A subject gone for good takes its own level and mode with it, as in Confluent. */
    private void clearSettings(String subject) {
        if (subjectModes.containsKey(subject)) {
            journal.appendMode(subject, null);
            applyMode(subject, null);
        }
        if (subjectLevels.containsKey(subject)) {
            journal.appendCompatibility(subject, null);
            applyCompatibility(subject, null);
        }
    }

    /** The versions whose references name {@code target}; soft-deleted ones too with {@code includeDeleted}. */
    private List<SchemaVersion> referrers(SchemaVersion target, boolean includeDeleted) {
        return allVersions()
                .filter(v -> includeDeleted || !v.deleted())
                .filter(v -> v.references().stream().anyMatch(
                        r -> r.subject().equals(target.subject()) && r.version() == target.version()))
                .toList();
    }

    /** The version a reference names; its version -1 is the latest. Unknown: the referencing schema is invalid. */
    private SchemaVersion referenced(Reference reference, boolean includeDeleted) {
        List<SchemaVersion> versions = versions(reference.subject(), includeDeleted);
        Optional<SchemaVersion> found = reference.version() == LATEST
                ? versions.stream().reduce((first, second) -> second)
                : versions.stream().filter(v -> v.version() == reference.version()).findFirst();
        return found.orElseThrow(() -> SchemaRegistryApiError.invalidSchema("Invalid schema: no schema reference"
                + " found for subject \"" + reference.subject() + "\" and version " + reference.version()));
    }

    private Stream<SchemaVersion> allVersions() {
        return subjects.values().stream().flatMap(versions -> versions.values().stream());
    }

    private List<SchemaVersion> versions(String subject, boolean includeDeleted) {
        SortedMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(version -> includeDeleted || !version.deleted()).toList();
    }

    /** A version number, or {@link #LATEST} for "latest" and -1. */
    private static int parseVersion(String versionRef) {
        if (versionRef.equals("latest")) {
            return LATEST;
        }
        try {
            int number = Integer.parseInt(versionRef);
            if (number >= 1 || number == LATEST) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Falls through to the registry's own error.
        }
        throw SchemaRegistryApiError.invalidVersion(versionRef);
    }
}
