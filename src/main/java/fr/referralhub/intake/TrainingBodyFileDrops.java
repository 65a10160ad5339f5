package fr.referralhub.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.api.FieldError;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.intake.TrainingBodyCsvReader.CsvFile;
import fr.referralhub.intake.TrainingBodyCsvReader.Row;
import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerAuthentication;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.RecordHeaders;
import jakarta.annotation.PostConstruct;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code training-body-file-intake}: the drop folders of training bodies
 * ({@code <root>/<partnerId>/}), the per-row accounting and the report written next to each processed file.
 *
 * <p>The folder a file is dropped in says which partner sent it (the folder is the partner's credential, guarded
 * by the file system's permissions). A processed file goes to {@code <partnerId>/done/}; a file that cannot be read
 * at all, or that was dropped in a folder that is not an enabled CSV partner's, goes to {@code <folder>/error/}.
 */
@Component("trainingBodyFileDrops")
public class TrainingBodyFileDrops {

    /**
     * Exchange property read by the route's {@code move} option: where the file goes, relative to the drops root
     * (the file component resolves a relative move against its starting folder): {@code <folder>/done/<name>}.
     */
    public static final String TARGET = "hubDropTarget";
    public static final String DONE = "done";
    public static final String ERROR = "error";
    private static final String REPORT = "hubDropReport";
    private static final String ROW = "hubCsvRow";
    /** Exchange property of the file: its rows sent to the referral ledger, in file order, awaiting their decisions. */
    static final String SUBMITTED = "hubSubmittedRows";
    private static final Logger log = LoggerFactory.getLogger(TrainingBodyFileDrops.class);

    private final PartnerRegistry partners;
    private final TrainingBodyCsvReader reader;
    private final DeadLetters deadLetters;
    private final IntakeAccounting accounting;
    private final ObjectMapper json;
    private final Path root;

    private final ReferralIntake intake;

    public TrainingBodyFileDrops(PartnerRegistry partners, TrainingBodyCsvReader reader, DeadLetters deadLetters,
                                 IntakeAccounting accounting, ObjectMapper json, ReferralIntake intake,
                                 @Value("${hub.intake.file-drops.root}") String root) {
        this.intake = intake;
        this.partners = partners;
        this.reader = reader;
        this.deadLetters = deadLetters;
        this.accounting = accounting;
        this.json = json;
        this.root = Path.of(root);
    }

    /** Each CSV partner finds its folder ready: onboarding is an entry in the registry, nothing to create by hand. */
    @PostConstruct
    void createPartnerFolders() throws IOException {
        for (Partner partner : partners.all()) {
            if (acceptsFiles(partner)) {
                Files.createDirectories(root.resolve(partner.id()));
            }
        }
        log.info("Training-body file drops: {}/<partnerId>/", root.toAbsolutePath());
    }

    /**
     * First step: finds the partner of the file's folder and splits the file into rows (the new body). A file that
     * cannot be taken gets no rows and a refusal in its report.
     */
    public List<Row> open(Exchange exchange) {
        Path parent = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PARENT, String.class));
        String folder = parent.getFileName().toString();
        String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        DropReport report = new DropReport(folder, fileName);
        exchange.setProperty(REPORT, report);
        // Shared with the row exchanges of the split (properties are copied by reference).
        exchange.setProperty(SUBMITTED, new ArrayList<SubmittedRow>());
        // Each row is an input; a file refused as a whole counts as one rejected input.
        IntakeAccounting.Tally tally = accounting.openTally(exchange, IntakeChannel.CSV_FILE);
        Partner partner = partners.find(folder).filter(TrainingBodyFileDrops::acceptsFiles).orElse(null);
        if (partner == null) {
            report.refuse(List.of(new FieldError("(folder)", "is not the drop folder of an enabled partner sending "
                    + TrainingBodyCsvReader.FORMAT + " files")));
            tally.note(IntakeAccounting.UNKNOWN_PARTNER, IntakeAccounting.Outcome.REJECTED);
            return List.of();
        }
        exchange.setProperty(PartnerAuthentication.PARTNER, partner);
        Path path = parent.resolve(fileName);
        byte[] content;
        try {
            content = readWithoutFollowingLinks(path);
        } catch (IOException e) {
            if (!Files.isSymbolicLink(path)) {
                // Unreadable for now (removed, permissions): the file stays and is tried again.
                throw new UncheckedIOException("Could not read " + report.file(), e);
            }
            // Replaced by a link after the consumer's filter saw a file: refused like any link (UnsafeDropSweep).
            report.refuse(List.of(new FieldError(TrainingBodyCsvReader.FILE, UnsafeDropSweep.SYMBOLIC_LINK)));
            tally.note(partner.id(), IntakeAccounting.Outcome.REJECTED);
            return List.of();
        }
        try {
            CsvFile file = reader.open(content);
            report.rows(file.rows().size());
            return file.rows();
        } catch (InvalidPartnerEventException e) {
            report.refuse(e.errors());
            tally.note(partner.id(), IntakeAccounting.Outcome.REJECTED);
            return List.of();
        }
    }

    /** Split step: one row to a draft, or an {@link InvalidPartnerEventException} with the row's reasons. */
    public PartnerEvent readRow(Row row, @ExchangeProperty(PartnerAuthentication.PARTNER) Partner partner,
                                Exchange exchange) {
        exchange.setProperty(ROW, row);
        return reader.read(row, partner);
    }

    /**
     * Route step of {@code replay-training-body-row}: a refused row rebuilt from its dead letter (the original line,
     * its row number, the file's header row) and read again exactly as in its file, for the partner whose folder it
     * was dropped in.
     *
     * @throws InvalidPartnerEventException with the row's reasons, or when the partner no longer takes files
     */
    public PartnerEvent readReplayedRow(@Body String line, @Header(DeadLetters.FILE_HEADER) String headerLine,
                                        @Header(DeadLetters.FILE_ROW) int rowNumber,
                                        @Header(RecordHeaders.PARTNER_ID) String partnerId) {
        Partner partner = partners.find(partnerId).filter(TrainingBodyFileDrops::acceptsFiles)
                .orElseThrow(() -> new InvalidPartnerEventException(InvalidPartnerEventException.Kind.INVALID,
                        List.of(new FieldError("(folder)", "is no longer the drop folder of an enabled partner sending "
                                + TrainingBodyCsvReader.FORMAT + " files"))));
        // The header row and the line make a one-row file: the same checks as when the file came in.
        CsvFile file = reader.open((headerLine + "\n" + line).getBytes(StandardCharsets.UTF_8));
        if (file.rows().size() != 1) {
            throw new InvalidPartnerEventException(InvalidPartnerEventException.Kind.MALFORMED,
                    List.of(new FieldError(TrainingBodyCsvReader.ROW, "is not one line of the file")));
        }
        return reader.read(new Row(rowNumber, file.rows().get(0).line(), file.columns()), partner);
    }

    /** A row sent to the referral ledger, and its decision to come. */
    public record SubmittedRow(Row row, ReferralIntake.Pending pending) {
    }

    /**
     * Split step after a row was read: sends it to the referral ledger without waiting. Rows are sent in file order, so
     * the ledger decides them in that order (a second row re-using an event id is the one refused); the decisions are
     * awaited afterwards ({@link #settleRow}), so a file of thousands of rows costs seconds, not a ledger commit each.
     */
    @SuppressWarnings("unchecked")
    public void submitRow(PartnerEvent event, Exchange exchange) {
        Row row = exchange.getProperty(ROW, Row.class);
        exchange.getProperty(SUBMITTED, List.class).add(new SubmittedRow(row, intake.submit(event)));
    }

    /** Second split step: waits for a row's decision ({@link ReferralIntake#settle}); a refusal is thrown. */
    public void settleRow(SubmittedRow submitted, Exchange exchange) {
        exchange.setProperty(ROW, submitted.row());
        intake.settle(submitted.pending(), exchange);
    }

    /** Split step after a row went through intake: published now, or already published before. */
    public void rowDone(@ExchangeProperty(PartnerAuthentication.PARTNER) Partner partner, Exchange exchange) {
        DropReport report = exchange.getProperty(REPORT, DropReport.class);
        IntakeAccounting.Tally tally = IntakeAccounting.tallyOf(exchange);
        if (exchange.getProperty(ReferralIntake.DUPLICATE, false, Boolean.class)) {
            report.duplicate();
            tally.note(partner.id(), IntakeAccounting.Outcome.DUPLICATE);
        } else {
            report.accepted();
            tally.note(partner.id(), IntakeAccounting.Outcome.PUBLISHED);
        }
    }

    /**
     * Split step for a refused row: dead-lettered with its original line (encrypted), file name, row number and
     * reasons. Returns once the dead letter is acknowledged; a failure fails the file, which is then read again.
     */
    public void rowRefused(@ExchangeProperty(PartnerAuthentication.PARTNER) Partner partner, Exchange exchange) {
        InvalidPartnerEventException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                InvalidPartnerEventException.class);
        Row row = exchange.getProperty(ROW, Row.class);
        DropReport report = exchange.getProperty(REPORT, DropReport.class);
        String reasons = refusal.errors().stream().map(e -> e.field() + " " + e.reason())
                .collect(Collectors.joining("; "));
        deadLetters.sendFileRow(exchange.getFromRouteId(), report.folder() + "/" + report.file() + "#" + row.number(),
                report.folder(), report.file(), row.number(), String.join(";", row.columns()),
                row.line().getBytes(StandardCharsets.UTF_8), refusal, reasons);
        report.rejected(row.number(), refusal.errors());
        IntakeAccounting.tallyOf(exchange).note(partner.id(), IntakeAccounting.Outcome.REJECTED);
    }

    /**
     * Last step, once every row is published, dead-lettered or found a duplicate: writes the report where the file
     * is about to be moved (done/ or error/) and names the move's target, never overwriting an earlier drop.
     */
    public void finish(Exchange exchange) {
        DropReport report = exchange.getProperty(REPORT, DropReport.class);
        Path folder = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PARENT, String.class))
                .resolve(report.outcome() == DropReport.Outcome.PROCESSED ? DONE : ERROR);
        String target = DropNames.freeName(folder, report.file());
        report.writeBeside(folder, target, json);
        exchange.setProperty(TARGET, report.folder() + "/" + folder.getFileName() + "/" + target);
        log.info("File {}/{} {}: {} rows, {} accepted, {} rejected, {} duplicates -> {}", report.folder(),
                report.file(), report.outcome(), report.rows(), report.acceptedCount(), report.rejectedCount(),
                report.duplicateCount(), folder.resolve(target));
    }

    /**
     * The file's content, read only if it is still not a symbolic link: the consumer's filter refused links, but a
     * partner could swap the file for one in between, and the link's target (anything the hub can read) would then be
     * read as the partner's rows. At most one byte more than a file may hold, which the reader refuses: a file of
     * gigabytes must not fill the heap of every route and stream thread, nor be read again at every poll.
     */
    private static byte[] readWithoutFollowingLinks(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(TrainingBodyCsvReader.MAX_BYTES + 1);
        }
    }

    static boolean acceptsFiles(Partner partner) {
        return partner.enabled() && partner.channel() == IntakeChannel.CSV_FILE
                && TrainingBodyCsvReader.FORMAT.equals(partner.format());
    }
}
