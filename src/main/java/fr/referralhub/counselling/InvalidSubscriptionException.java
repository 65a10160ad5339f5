package fr.referralhub.counselling;

import java.util.List;

import fr.referralhub.api.FieldError;


/** A subscription that cannot be accepted, with one reason per field (answered as problem+json). */
public class InvalidSubscriptionException extends RuntimeException {

    private final transient List<FieldError> errors;

    public InvalidSubscriptionException(List<FieldError> errors) {
        super("Invalid subscription: " + errors.stream().map(e -> e.field() + ": " + e.reason()).toList());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
