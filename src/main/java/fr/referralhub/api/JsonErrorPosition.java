package fr.referralhub.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Where a body stopped being JSON, for a refusal's reason: the position only, never Jackson's own message, which
 * quotes the offending token (a name, a NIR...). Refusal reasons reach logs, dead-letter headers and operators' lists
 * in clear.
 */
public final class JsonErrorPosition {

    private JsonErrorPosition() {
    }

    /** {@code " (line L, column C)"}, or empty when Jackson gives none (a nesting or size limit). */
    public static String of(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
