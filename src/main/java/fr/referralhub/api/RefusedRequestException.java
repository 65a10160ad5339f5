package fr.referralhub.api;

import java.util.List;


/**
 * A request the hub refuses, with its kind and every field-level reason at once, so the caller can fix them
 * together. Messages never quote personal data (a NIR is described, not repeated).
 */
public abstract class RefusedRequestException extends RuntimeException {

    private final ProblemKind kind;
    private final transient List<FieldError> errors;

    protected RefusedRequestException(String message, ProblemKind kind, List<FieldError> errors) {
        super(message);
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    public ProblemKind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
