package fr.referralhub.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.FieldError;

/**
 * What became of one dropped file, written next to it as {@code <name>.report.json} for the partner and the
 * operators: how many rows were accepted, rejected (with row number and reasons) or were duplicates of rows
 * already published, or why the whole file was refused. Reasons never repeat cell values.
 *
 * <p>A file whose processing failed (broker unavailable) is read again from its first row: rows published by the
 * failed attempt then count as duplicates, so rows = accepted + rejected + duplicates always holds.
 */
final class DropReport {

    enum Outcome { PROCESSED, REFUSED }

    private final String folder;
    private final String file;
    private final List<Map<String, Object>> rejectedRows = new ArrayList<>();
    private List<FieldError> refusal = List.of();
    private String storedAs;
    private int rows;
    private int accepted;
    private int duplicates;

    DropReport(String folder, String file) {
        this.folder = folder;
        this.file = file;
    }

    String folder() {
        return folder;
    }

    String file() {
        return file;
    }

    Outcome outcome() {
        return refusal.isEmpty() ? Outcome.PROCESSED : Outcome.REFUSED;
    }

    void refuse(List<FieldError> reasons) {
        this.refusal = List.copyOf(reasons);
    }

    /** The name the file was stored under in error/, when it is not its own (a refused name). */
    void storedAs(String name) {
        this.storedAs = name;
    }

    void rows(int count) {
        this.rows = count;
    }

    void accepted() {
        accepted++;
    }

    void duplicate() {
        duplicates++;
    }

    int rows() {
        return rows;
    }

    int acceptedCount() {
        return accepted;
    }

    int rejectedCount() {
        return rejectedRows.size();
    }

    int duplicateCount() {
        return duplicates;
    }

    void rejected(int row, List<FieldError> reasons) {
        Map<String, Object> rejected = new LinkedHashMap<>();
        rejected.put("row", row);
        rejected.put("errors", errors(reasons));
        rejectedRows.add(rejected);
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", file);
        if (storedAs != null && !storedAs.equals(file)) {
            json.put("storedAs", storedAs);
        }
        json.put("partnerFolder", folder);
        json.put("format", TrainingBodyCsvReader.FORMAT);
        json.put("processedAt", Instant.now().toString());
        json.put("outcome", outcome().name());
        if (!refusal.isEmpty()) {
            json.put("refusal", errors(refusal));
        }
        json.put("rows", rows);
        json.put("accepted", accepted);
        json.put("rejected", rejectedRows.size());
        json.put("duplicates", duplicates);
        json.put("rejectedRows", rejectedRows);
        return json;
    }

    /**
     * Writes this report as {@code <folder>/<fileName>.report.json}: written aside, then renamed, so a partner polling
     * for the report never reads it half-written.
     */
    void writeBeside(Path folder, String fileName, ObjectMapper json) {
        try {
            Files.createDirectories(folder);
            Path partial = folder.resolve(fileName + DropNames.REPORT + ".part");
            json.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), toJson());
            Files.move(partial, folder.resolve(fileName + DropNames.REPORT), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the report of " + DropNames.printable(file), e);
        }
    }

    private static List<Map<String, String>> errors(List<FieldError> reasons) {
        return reasons.stream().map(e -> Map.of("field", e.field(), "reason", e.reason())).toList();
    }
}
