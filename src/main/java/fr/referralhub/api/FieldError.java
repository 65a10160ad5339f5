package fr.referralhub.api;

/** One reason a partner event was refused: the field path as the partner wrote it, and why. */
public record FieldError(String field, String reason) {
}
