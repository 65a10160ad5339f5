package fr.referralhub.operations;

/** No dead letter has this id (404). */
public class DeadLetterNotFound extends RuntimeException {

    public DeadLetterNotFound(String id) {
        super("No dead letter " + id + " (ids are <partition>-<offset>, as listed by GET /ops/dead-letters)");
    }
}
