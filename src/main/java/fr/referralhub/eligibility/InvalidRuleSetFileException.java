package fr.referralhub.eligibility;

import java.util.OptionalInt;

/**
 * A rule-set file the hub refuses to run with; the message names the file, the line when the problem has one
 * ({@code rule-sets.yaml:17: ...}, the form editors and CI logs link to), and what is wrong there.
 */
public class InvalidRuleSetFileException extends RuntimeException {

    private final String source;
    private final int line;

    /** A problem of the file as a whole (not found, not readable). */
    public InvalidRuleSetFileException(String source, String problem) {
        this(source, 0, problem, null);
    }

    public InvalidRuleSetFileException(String source, String problem, Throwable cause) {
        this(source, 0, problem, cause);
    }

    /** A problem at a line of the file (1 = first line). */
    public InvalidRuleSetFileException(String source, int line, String problem) {
        this(source, line, problem, null);
    }

    public InvalidRuleSetFileException(String source, int line, String problem, Throwable cause) {
        super("Invalid eligibility rule-set file " + source + (line > 0 ? ":" + line : "") + ": " + problem, cause);
        this.source = source;
        this.line = line;
    }

    /** Name of the file, as it was given to the loader. */
    public String source() {
        return source;
    }

    /** Line of the problem (1 = first line), empty for a problem of the file as a whole. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
