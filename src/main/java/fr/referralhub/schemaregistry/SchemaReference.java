package fr.referralhub.schemaregistry;

/**
 * Confluent's schema reference: a schema imports the named types of another subject's version instead of copying
 * them, e.g. a canonical record naming {@code fr.referralhub.avro.Programme} registered under its own subject.
 *
 * @param name    the imported type's full name (Confluent's convention for Avro)
 * @param subject the subject holding it
 * @param version its version there; -1 for the latest at registration time
 */
public record SchemaReference(String name, String subject, int version) {
}
