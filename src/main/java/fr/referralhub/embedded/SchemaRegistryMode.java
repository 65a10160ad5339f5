package fr.referralhub.embedded;

import java.util.Locale;

/**
 * Confluent's registry modes, global or per subject (a subject's own mode wins): what writes a subject accepts.
 * READONLY_OVERRIDE and FORWARD, Confluent's operator and cluster-linking modes, are not served.
 */
enum SchemaRegistryMode {
    /** Registrations get ids and versions from the registry, after the compatibility check. The default. */
    READWRITE,
    /** No registration, delete or compatibility change: a frozen subject, for a migration or an incident. */
    READONLY,
    /**
     * Registrations must bring their id (and may bring their version), with no compatibility check: copying another
     * registry's schemas with their ids, so records written against it still decode here.
     */
    IMPORT;

    static SchemaRegistryMode parse(String mode) {
        if (mode != null) {
            for (SchemaRegistryMode candidate : values()) {
                if (candidate.name().equals(mode.trim().toUpperCase(Locale.ROOT))) {
                    return candidate;
                }
            }
        }
        throw SchemaRegistryApiError.invalidMode(mode);
    }
}
