package fr.referralhub.schemaregistry;

/**
 * A failed call to a schema registry: an error answer (with its HTTP status and Confluent {@code error_code}) or no
 * answer at all (HTTP status {@link #NO_RESPONSE}).
 *
 * <p>The error code constants are Confluent's; the embedded registry answers with the same ones.
 */
public class SchemaRegistryException extends RuntimeException {

    /** HTTP status of a call that got no answer: connection refused, timeout, interruption. */
    public static final int NO_RESPONSE = 0;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int INVALID_MODE = 42204;
    /** A write the registry's mode (READONLY, IMPORT) forbids, or an IMPORT switch over existing subjects. */
    public static final int OPERATION_NOT_PERMITTED = 42205;
    /** A delete of a schema version that another schema still references. */
    public static final int REFERENCE_EXISTS = 42206;
    /** An IMPORT registration naming an id that already holds another schema. */
    public static final int ID_DOES_NOT_MATCH = 42207;
    public static final int STORE_ERROR = 50001;

    private final int httpStatus;
    private final int errorCode;
    private final String url;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, String url, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.url = url;
    }

    public int getHttpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code}, or the HTTP status when the answer carried none. */
    public int getErrorCode() {
        return errorCode;
    }

    /** The URL of the failed request. */
    public String getUrl() {
        return url;
    }
}
