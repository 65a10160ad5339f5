package fr.referralhub.embedded;

import static fr.referralhub.schemaregistry.SchemaRegistryException.ID_DOES_NOT_MATCH;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INCOMPATIBLE_SCHEMA;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_MODE;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_SCHEMA;
import static fr.referralhub.schemaregistry.SchemaRegistryException.INVALID_VERSION;
import static fr.referralhub.schemaregistry.SchemaRegistryException.OPERATION_NOT_PERMITTED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.REFERENCE_EXISTS;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static fr.referralhub.schemaregistry.SchemaRegistryException.STORE_ERROR;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_MODE_NOT_CONFIGURED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.SUBJECT_SOFT_DELETED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.VERSION_NOT_FOUND;
import static fr.referralhub.schemaregistry.SchemaRegistryException.VERSION_NOT_SOFT_DELETED;
import static fr.referralhub.schemaregistry.SchemaRegistryException.VERSION_SOFT_DELETED;

import java.util.List;

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

    static SchemaRegistryApiError subjectSoftDeleted(String subject) {
        return new SchemaRegistryApiError(404, SUBJECT_SOFT_DELETED, "Subject '" + subject
                + "' was soft deleted. Set permanent=true to delete permanently");
    }

    static SchemaRegistryApiError subjectNotSoftDeleted(String subject) {
        return new SchemaRegistryApiError(404, SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
                + "' was not deleted first before being permanently deleted");
    }

    static SchemaRegistryApiError versionSoftDeleted(String subject, int version) {
        return new SchemaRegistryApiError(404, VERSION_SOFT_DELETED, "Subject '" + subject + "' Version " + version
                + " was soft deleted. Set permanent=true to delete permanently");
    }

    static SchemaRegistryApiError versionNotSoftDeleted(String subject, int version) {
        return new SchemaRegistryApiError(404, VERSION_NOT_SOFT_DELETED, "Subject '" + subject + "' Version " + version
                + " was not deleted first before being permanently deleted");
    }

    static SchemaRegistryApiError subjectModeNotConfigured(String subject) {
        return new SchemaRegistryApiError(404, SUBJECT_MODE_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level mode configured");
    }

    static SchemaRegistryApiError invalidMode(Object mode) {
        return new SchemaRegistryApiError(422, INVALID_MODE, "Invalid mode " + mode
                + ". Valid values are READWRITE, READONLY and IMPORT");
    }

    static SchemaRegistryApiError operationNotPermitted(String message) {
        return new SchemaRegistryApiError(422, OPERATION_NOT_PERMITTED, message);
    }

    static SchemaRegistryApiError referenceExists(String subject, int version, List<Integer> referrers) {
        return new SchemaRegistryApiError(422, REFERENCE_EXISTS, "One or more references exist to the schema {subject="
                + subject + ",version=" + version + "}: schema ids " + referrers);
    }

    static SchemaRegistryApiError idDoesNotMatch(int id) {
        return new SchemaRegistryApiError(422, ID_DOES_NOT_MATCH, "Overwrite new schema with id " + id
                + " is not permitted.");
    }

    /** Jersey's answer in Confluent's server: a known path asked with a method it does not serve. */
    static SchemaRegistryApiError methodNotAllowed() {
        return new SchemaRegistryApiError(405, 405, "HTTP 405 Method Not Allowed");
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
