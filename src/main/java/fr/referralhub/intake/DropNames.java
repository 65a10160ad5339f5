package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names of the files in a training body's drop folder: which the intake takes ({@code <name>.csv}), which are still
 * being written ({@code <name>.tmp}), and why any other is refused. Used both by the file consumer's filter
 * ({@link SafeDropFilter}) and by the sweep that refuses the rest ({@link UnsafeDropSweep}), so the two never disagree.
 *
 * <p>The pattern is wide enough for the names partners' exports already have (accents, spaces, parentheses) and
 * narrow enough that a name is never hidden, never holds a line break or other control character, and never reads
 * differently in a log or a shell.
 */
final class DropNames {

    static final String CSV = ".csv";
    /** How partners mark a file they are still writing: they rename it to .csv once it is whole (docs/partners.md). */
    static final String IN_PROGRESS = ".tmp";
    /** Marker files the file consumer's read lock writes next to the file it reads (readLock: changed). */
    private static final String CONSUMER_LOCK = ".camelLock";
    static final String REPORT = ".report.json";
    /** In UTF-8 bytes: leaves room for a ".2" and ".report.json.part" in done/ and error/ under the 255-byte limit. */
    static final int MAX_LENGTH = 200;
    /** Starts with a letter or digit (so never hidden), then letters, marks, digits, spaces and {@code . _ ( ) + -}. */
    private static final Pattern SAFE = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} ._()+-]*");
    private static final Pattern UNSAFE_CHARACTER = Pattern.compile("[^\\p{L}\\p{M}\\p{N} ._()+-]");

    private DropNames() {
    }

    /** A name the intake takes: safe, ending in .csv (any case). */
    static boolean isDrop(String name) {
        return isSafe(name) && endsWith(name, CSV) && name.length() > CSV.length();
    }

    /** A safe name ending in .tmp: a drop being written, left alone while it changes. */
    static boolean isInProgress(String name) {
        return isSafe(name) && endsWith(name, IN_PROGRESS) && name.length() > IN_PROGRESS.length();
    }

    /** The file consumer's own marker next to a drop it is reading. */
    static boolean isConsumerLock(String name) {
        return name.endsWith(CONSUMER_LOCK) && isDrop(name.substring(0, name.length() - CONSUMER_LOCK.length()));
    }

    /** A report the hub wrote in done/ or error/. */
    static boolean isReport(String name) {
        return endsWith(name, REPORT);
    }

    /** Why a file of this name is not taken (for its report), or empty when it is a drop or a drop being written. */
    static Optional<String> whyRefused(String name) {
        if (isDrop(name) || isInProgress(name)) {
            return Optional.empty();
        }
        String expected = ": a drop is named <name>.csv (letters, digits, spaces and . _ ( ) + -, starting with a letter "
                + "or digit, at most " + MAX_LENGTH + " bytes), written as <name>.tmp and then renamed";
        if (name.startsWith(".")) {
            return Optional.of("is a hidden file (its name starts with a dot)" + expected);
        }
        if (name.codePoints().anyMatch(DropNames::isControl)) {
            return Optional.of("has a control character (a line break, a tab...) in its name" + expected);
        }
        if (length(name) > MAX_LENGTH) {
            return Optional.of("has a name of " + length(name) + " bytes" + expected);
        }
        if (!isSafe(name)) {
            return Optional.of("has a character outside the drop pattern in its name" + expected);
        }
        return Optional.of("does not end in .csv" + expected);
    }

    /**
     * The name a refused file is stored under in error/: each character outside the pattern (a leading dot, a line
     * break) replaced by {@code _}, so error/ lists it plainly; never ending in .report.json, so it is never taken for
     * (and kept as long as) a report.
     */
    static String storedName(String name) {
        String stored = UNSAFE_CHARACTER.matcher(name).replaceAll("_");
        if (stored.startsWith(".")) {
            stored = "_" + stored.substring(1);
        }
        while (length(stored) > MAX_LENGTH) {
            stored = stored.substring(0, stored.offsetByCodePoints(stored.length(), -1));
        }
        if (stored.isBlank()) {
            stored = "unnamed";
        }
        return isReport(stored) ? stored + "_" : stored;
    }

    /** The name for a log line: control characters written as {@code \}{@code uXXXX}, so a name cannot forge lines. */
    static String printable(String name) {
        StringBuilder printable = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (isControl(c)) {
                printable.append(String.format("\\u%04x", c));
            } else {
                printable.appendCodePoint(c);
            }
        });
        return printable.toString();
    }

    /**
     * The file's name in this folder, or name.2.csv, name.3.csv... when that name is taken (by a file or a link,
     * dangling or not): an earlier drop of the same name is never overwritten.
     */
    static String freeName(Path folder, String fileName) {
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String extension = dot > 0 ? fileName.substring(dot) : "";
        String candidate = fileName;
        for (int n = 2; Files.exists(folder.resolve(candidate), LinkOption.NOFOLLOW_LINKS); n++) {
            candidate = base + "." + n + extension;
        }
        return candidate;
    }

    private static boolean isSafe(String name) {
        return length(name) <= MAX_LENGTH && SAFE.matcher(name).matches();
    }

    private static int length(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean endsWith(String name, String extension) {
        return name.toLowerCase(Locale.ROOT).endsWith(extension);
    }

    /** C0 and C1 controls, and invisible format characters (right-to-left overrides, zero-width...), line separators. */
    private static boolean isControl(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
