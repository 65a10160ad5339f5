package fr.referralhub.eligibility;

/** A rule-set file the hub refuses to run with; the message names the file and what is wrong in it. */
public class InvalidRuleSetFileException extends RuntimeException {

    public InvalidRuleSetFileException(String source, String problem) {
        super("Invalid eligibility rule-set file " + source + ": " + problem);
    }

    public InvalidRuleSetFileException(String source, String problem, Throwable cause) {
        super("Invalid eligibility rule-set file " + source + ": " + problem, cause);
    }
}
