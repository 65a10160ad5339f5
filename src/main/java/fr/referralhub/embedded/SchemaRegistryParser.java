package fr.referralhub.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fr.referralhub.embedded.SchemaRegistryStore.Reference;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaRequest;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaText;
import fr.referralhub.embedded.SchemaRegistryStore.SchemaVersion;
import org.apache.avro.Schema;

/**
 * Parses Avro schemas with Confluent's references: each referenced version (and what it references, depth first) is
 * parsed into the same {@link Schema.Parser} before the schema itself, so the schema may name their types. Used under
 * the store's monitor only.
 */
final class SchemaRegistryParser {

    /** Finds the version a reference names, or throws the registry's 42201. */
    interface ReferenceLookup {
        SchemaVersion find(Reference reference, boolean includeDeleted);
    }

    /**
     * A schema parsed: {@code resolved} with every referenced type in place (what readers and writers use, and what
     * compatibility compares), {@code text} the canonical form that leaves referenced types as names, with the
     * references it needs ("latest" replaced by the version it was).
     */
    record Parsed(Schema resolved, SchemaText text) {
    }

    private final ReferenceLookup references;
    /** Stored schemas resolved, by content: a version's references never change while something references it. */
    private final Map<SchemaText, Schema> resolved = new HashMap<>();

    SchemaRegistryParser(ReferenceLookup references) {
        this.references = references;
    }

    /**
     * @param includeDeletedReferences whether a reference may name a soft-deleted version: not for a new schema, as in
     *                                 Confluent, but a stored one keeps resolving after its references are deleted
     */
    // Schema.toString(Collection, boolean) is deprecated in Avro 1.12 with no replacement that leaves referenced
    // types as names; Confluent's own AvroSchema.canonicalString() makes the same call.
    @SuppressWarnings("deprecation")
    Parsed parse(SchemaRequest request, boolean includeDeletedReferences) {
        Schema.Parser parser = new Schema.Parser();
        List<Reference> exact = new ArrayList<>();
        Set<String> defined = new HashSet<>();
        try {
            for (Reference reference : request.references()) {
                SchemaVersion target = references.find(reference, includeDeletedReferences);
                exact.add(new Reference(reference.name(), target.subject(), target.version()));
                define(parser, target, defined);
            }
            Collection<Schema> imported = List.copyOf(parser.getTypes().values());
            Schema schema = parser.parse(request.schema());
            String canonical = imported.isEmpty() ? schema.toString() : schema.toString(imported, false);
            return new Parsed(schema, new SchemaText(canonical, exact));
        } catch (SchemaRegistryApiError e) {
            throw e;
        } catch (RuntimeException e) {
            // Whatever the parser rejects, and however it says so, the schema is invalid: never a server error.
            throw SchemaRegistryApiError.invalidSchema("Invalid schema: " + e.getMessage());
        }
    }

    /** A stored version's schema with its references resolved. */
    Schema resolve(SchemaVersion version) {
        Schema schema = resolved.get(version.text());
        if (schema == null) {
            schema = parse(new SchemaRequest(version.schema(), version.references(), null, null), true).resolved();
            resolved.put(version.text(), schema);
        }
        return schema;
    }

    /** After a permanent delete: a subject version may later hold another schema. */
    void forget() {
        resolved.clear();
    }

    private void define(Schema.Parser parser, SchemaVersion version, Set<String> defined) {
        if (!defined.add(version.subject() + '\u0000' + version.version())) {
            return; // already parsed through another reference: a type may only be defined once
        }
        for (Reference reference : version.references()) {
            define(parser, references.find(reference, true), defined);
        }
        parser.parse(version.schema());
    }
}
