package fr.referralhub.benchmark;

/** A stage did not finish (timeout, refused records, failed processor): the benchmark exits non-zero with it. */
final class StageFailure extends RuntimeException {

    StageFailure(String message) {
        super(message);
    }

    StageFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
