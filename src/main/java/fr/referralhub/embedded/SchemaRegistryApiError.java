package fr.referralhub.embedded;

import static fr.referralhub.schemaregistry.SchemaRegistryException.INCOMPATIBLE_SCHEMA;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_SCHEMA;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_VERSION;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static fr.referralhub.schemaregistry.SchemaRegistryException.STORE_ERROR;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static fr.referralhub.schemaregistry.SchemaRegistryException.VERSION_NOT_FOUND;

/** An error the embedded schema registry answers as {@code {"error_code": ..., "message": ...}}, Confluent's codes. */
final class SchemaRegistryApiError extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    SchemaRegistryApiError(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    private SchemaRegistryApiError(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    int httpStatus() {
        return httpStatus;
    }

    int errorCode() {
        return errorCode;
    }

    static SchemaRegistryApiError subjectNotFound(String subject) {
        return new SchemaRegistryApiError(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static SchemaRegistryApiError versionNotFound(String subject, String version) {
        return new SchemaRegistryApiError(404, VERSION_NOT_FOUND,
                "Version " + version + " not found for subject '" + subject + "'.");
    }

    static SchemaRegistryApiError schemaNotFound(String what) {
        return new SchemaRegistryApiError(404, SCHEMA_NOT_FOUND, "Schema " + what + " not found.");
    }

    static SchemaRegistryApiError subjectCompatibilityNotConfigured(String subject) {
        return new SchemaRegistryApiError(404, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    static SchemaRegistryApiError incompatible(String message) {
        return new SchemaRegistryApiError(409, INCOMPATIBLE_SCHEMA, message);
    }

    static SchemaRegistryApiError invalidSchema(String message) {
        return new SchemaRegistryApiError(422, INVALID_SCHEMA, message);
    }

    static SchemaRegistryApiError invalidVersion(String version) {
        return new SchemaRegistryApiError(422, INVALID_VERSION, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static SchemaRegistryApiError invalidCompatibilityLevel(Object level) {
        return new SchemaRegistryApiError(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level " + level
                + ". Valid values are none, backward, forward, full, backward_transitive, forward_transitive,"
                + " and full_transitive");
    }

    static SchemaRegistryApiError storeError(String topic, Throwable cause) {
        return new SchemaRegistryApiError(500, STORE_ERROR, "Error while writing to the schema store topic '" + topic
                + "': " + cause.getMessage(), cause);
    }
}
