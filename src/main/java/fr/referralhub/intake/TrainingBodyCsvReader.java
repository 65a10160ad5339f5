package fr.referralhub.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentContract;
import fr.referralhub.avro.EmploymentSituation;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.PersonReferenceBasis;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.SourceReference;
import fr.referralhub.avro.TargetHousing;
import fr.referralhub.identity.Nir;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.partners.Partner;
import fr.referralhub.territory.InseeCodes;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the training bodies' CSV files (CFA, AFPA, training organisations; format {@value #FORMAT},
 * {@code shared/samples/training-body}) exactly as their spreadsheets export them, and maps each row to a canonical
 * draft, like {@link EmploymentAgencyEventReader} does for JSON.
 *
 * <p>A file is read in two steps so that one bad row never costs the others: {@link #open} checks what the whole
 * file depends on (UTF-8, header row, required columns) and splits it into rows; {@link #read} validates one row on
 * its own. Rows are numbered as a spreadsheet shows them: the header is row 1, the first referral row 2. Names are read from the file but not carried on (data minimisation).
 */
@Component
public class TrainingBodyCsvReader {

    public static final String FORMAT = "training-body-csv-v1";
    /** A batch of referrals is at most a few thousand rows; anything this large is not one. */
    public static final int MAX_BYTES = 20 * 1024 * 1024;
    /** Field name of problems that concern the whole file or the shape of a row rather than one column. */
    static final String FILE = "(file)";
    static final String ROW = "(row)";

    /** Columns every file must have, in any order (cells may be empty where the value is optional). */
    static final List<String> REQUIRED_COLUMNS = List.of("id_evenement", "date_evenement", "siret_organisme",
            "date_naissance", "nir", "commune_domicile_insee", "type_contrat", "secteur_employeur",
            "date_debut_contrat", "salaire_brut_mensuel", "commune_lieu_travail_insee", "distance_km", "double_loyer",
            "loyer_mensuel", "besoins", "dispositifs", "beneficiaire_informe");
    /**
     * Columns that may be left out: the names, which the hub does not carry on, and the travel time to work (minutes,
     * Mobili-Jeune's alternative to the distance), added after files without it were already being sent.
     */
    static final List<String> OPTIONAL_COLUMNS = List.of("nom", "prenom", "duree_trajet_minutes");
    /**
     * Columns of a cancellation (or an update), which this format does not carry: every row is a creation. A file with
     * them is refused as a whole rather than read as new referrals, which is what a row meant to cancel one would
     * otherwise become (and a cancellation needs its reason code, which a file cannot give today).
     */
    static final List<String> NOT_IN_THIS_FORMAT = List.of("type_evenement", "id_evenement_origine", "motif");

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** The file only gives the day of the event: noon in Paris keeps it on that day in every time zone of France. */
    private static final LocalTime EVENT_TIME = LocalTime.NOON;
    private static final char SEPARATOR = ';';
    private static final char BOM = '\uFEFF';

    private final EventDates eventDates;

    /** Outside Spring (tests, tools): event dates checked against the bundled rule sets and the system clock. */
    public TrainingBodyCsvReader() {
        this(EventDates.bundledRuleSets());
    }

    @Autowired
    TrainingBodyCsvReader(EventDates eventDates) {
        this.eventDates = eventDates;
    }

    /** A file split into rows, ready to be read one by one. */
    public record CsvFile(List<String> columns, List<Row> rows) {
    }

    /**
     * One data row as it stands in the file.
     *
     * @param number  line number in the file, as a spreadsheet shows it (the header is row 1)
     * @param line    the row's text, as sent (goes to the dead letter when the row is refused)
     * @param columns the file's header, to map cells by column name
     */
    public record Row(int number, String line, List<String> columns) {
        @Override
        public String toString() {
            // The line holds personal data: never print it.
            return "Row[" + number + "]";
        }
    }

    /**
     * Checks what the whole file depends on and splits it into rows.
     *
     * @throws InvalidPartnerEventException (kind MALFORMED) when no row can be read: not UTF-8, empty, no header,
     *                                      a required column missing or a column named twice
     */
    public CsvFile open(byte[] content) {
        if (content == null || content.length == 0) {
            throw refused(FILE, "is empty: expected a header row and one row per referral");
        }
        if (content.length > MAX_BYTES) {
            // Not its size: the drop folder reads no more than one byte past the limit (a larger file never fills
            // the heap), so the length says only that it is too big.
            throw refused(FILE, "is more than " + MAX_BYTES + " bytes (20 MiB), the most a file may be: split it");
        }
        String text = utf8(content);
        if (!text.isEmpty() && text.charAt(0) == BOM) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\n|\r", -1);
        List<String> columns = header(lines[0]);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            // Blank lines (a trailing newline, an empty spreadsheet row) are not rows.
            if (!lines[i].isBlank()) {
                rows.add(new Row(i + 1, lines[i], columns));
            }
        }
        return new CsvFile(columns, rows);
    }

    /**
     * Validates one row and maps it to a canonical draft (always a creation: the file format has no updates yet).
     *
     * @param partner the partner whose drop folder the file came from: the row must be for one of its structures
     * @throws InvalidPartnerEventException with every problem of the row, by column name
     */
    public PartnerEvent read(Row row, Partner partner) {
        CsvFields f = new CsvFields(cells(row));

        Optional<String> eventId = f.eventId("id_evenement");
        Optional<LocalDate> eventDay = f.date("date_evenement", true);
        eventDay.ifPresent(day -> f.checkEventDay("date_evenement", day, eventDates));
        Optional<String> structureCode = f.text("siret_organisme", true);
        // Unlike HTTP (403 for the whole request), a file may mix structures: only this row is refused.
        structureCode.filter(code -> !partner.mayPublishFor(code)).ifPresent(code ->
                f.reject("siret_organisme", "structure not allowed: not one of this partner's structures"));

        Optional<Nir> nir = f.text("nir", false).flatMap(raw -> f.nir("nir", raw));
        Optional<LocalDate> birthDate = f.date("date_naissance", true);
        birthDate.ifPresent(born -> f.checkBirthDate("date_naissance", born, eventDay.orElse(LocalDate.now(PARIS))));
        Optional<String> homeCommune = f.code("commune_domicile_insee", true, InseeCodes::isCommune,
                "an INSEE commune code (5 characters, e.g. 93066 or 2A004; not a postal code)");

        ReferralEvent.Builder draft = PartnerEvent.newDraft(ReferralEventType.CREATED,
                        eventDay.map(day -> day.atTime(EVENT_TIME).atZone(PARIS).toInstant()))
                .setPerson(PersonProfile.newBuilder()
                        .setPersonReference("")
                        .setPersonReferenceBasis(PersonReferenceBasis.NONE)
                        .setBirthDate(birthDate.orElse(null))
                        .setHomeCommune(homeCommune.orElse(null))
                        .setHomeDepartement(homeCommune.flatMap(InseeCodes::departementOf).orElse(null))
                        .build())
                .setEmployment(employment(f).orElse(null))
                .setTargetHousing(targetHousing(f).orElse(null));
        List<Need> needs = f.enumList("besoins", Need.class);
        // A health obstacle is sensitive data (DOMAIN.md): it is accepted but not put on the shared topic.
        needs.remove(Need.SANTE);
        draft.setNeeds(needs);
        draft.setRequestedProgrammes(f.enumList("dispositifs", Programme.class));
        draft.setPersonInformed(f.bool("beneficiaire_informe", true).orElse(null));

        f.throwIfAny(Kind.INVALID);
        draft.setSource(SourceReference.newBuilder()
                .setPartnerId(partner.id())
                .setPartnerKind(PartnerKind.TRAINING_BODY)
                .setChannel(IntakeChannel.CSV_FILE)
                .setStructureCode(structureCode.orElseThrow())
                .setPartnerEventId(eventId.orElseThrow())
                .build());
        return new PartnerEvent(draft.build(), new PartnerEvent.Identifiers(nir, Optional.empty(), birthDate));
    }

    /** The contract the training body places the person in (apprenticeship, ...), when the row gives one. */
    private static Optional<EmploymentSituation> employment(CsvFields f) {
        Optional<ContractType> type = f.enumValue("type_contrat", false, ContractType.class);
        Optional<EmployerSector> sector = f.enumValue("secteur_employeur", false, EmployerSector.class);
        Optional<LocalDate> start = f.date("date_debut_contrat", false);
        Optional<Long> salary = f.euroCents("salaire_brut_mensuel");
        Optional<String> workplace = f.code("commune_lieu_travail_insee", false, InseeCodes::isCommune,
                "an INSEE commune code");
        Optional<Integer> distance = f.wholeNumber("distance_km", 0, 20_000);
        Optional<Integer> travelMinutes = f.wholeNumber("duree_trajet_minutes", 0, 24 * 60);
        if (type.isEmpty()) {
            boolean contractDescribed = sector.isPresent() || start.isPresent() || salary.isPresent()
                    || workplace.isPresent() || distance.isPresent() || travelMinutes.isPresent();
            // An invalid type was already reported; only a missing one needs saying here.
            if (contractDescribed && f.isEmpty("type_contrat")) {
                f.reject("type_contrat", "is required when other contract columns are filled");
            }
            return Optional.empty();
        }
        EmploymentContract contract = EmploymentContract.newBuilder()
                .setType(type.get())
                .setEmployerSector(sector.orElse(null))
                .setStartDate(start.orElse(null))
                .setGrossMonthlySalaryCents(salary.orElse(null))
                .setWorkplaceCommune(workplace.orElse(null))
                .setHomeToWorkDistanceKm(distance.orElse(null))
                .setHomeToWorkTravelMinutes(travelMinutes.orElse(null))
                .build();
        return Optional.of(EmploymentSituation.newBuilder()
                .setStatus(statusFor(type.get()))
                // Work-study contracts alternate school and employer: the person is in training by definition.
                .setInEducationOrTraining(isWorkStudy(type.get()) ? Boolean.TRUE : null)
                .setContract(contract)
                .build());
    }

    /** The file has no status column: a training body refers people it places under contract. */
    private static EmploymentStatus statusFor(ContractType type) {
        return switch (type) {
            case APPRENTISSAGE -> EmploymentStatus.APPRENTI;
            case SAISONNIER_AGRICOLE -> EmploymentStatus.SAISONNIER;
            default -> EmploymentStatus.SALARIE;
        };
    }

    private static boolean isWorkStudy(ContractType type) {
        return type == ContractType.APPRENTISSAGE || type == ContractType.PROFESSIONNALISATION;
    }

    /** Rent of the housing the person looks for; the file does not say where it is (the commune stays unknown). */
    private static Optional<TargetHousing> targetHousing(CsvFields f) {
        Optional<Long> rent = f.euroCents("loyer_mensuel");
        Optional<Boolean> doubleRent = f.bool("double_loyer", false);
        if (rent.isEmpty() && doubleRent.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TargetHousing.newBuilder()
                .setMonthlyRentCents(rent.orElse(null))
                .setDoubleRent(doubleRent.orElse(null))
                .build());
    }

    private static List<String> header(String line) {
        List<String> columns = split(line).orElseThrow(() -> refused(FILE, "header row has an unterminated quote"))
                .stream().map(String::strip).toList();
        List<FieldError> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String column : columns) {
            // Columns are read by name, so a column without one (a spreadsheet's trailing ';') is never read: its
            // cells are ignored like an unknown column's, however many there are.
            if (!column.isEmpty() && seen.merge(column, 1, Integer::sum) == 2) {
                problems.add(new FieldError(column, "column appears more than once in the header row"));
            }
        }
        for (String required : REQUIRED_COLUMNS) {
            if (!seen.containsKey(required)) {
                problems.add(new FieldError(required, "required column is missing from the header row"));
            }
        }
        for (String column : NOT_IN_THIS_FORMAT) {
            if (seen.containsKey(column)) {
                problems.add(new FieldError(column, "is not a column of " + FORMAT + ": every row creates a referral, so "
                        + "a row meant to cancel one (with its mandatory reason code) or to update one would create "
                        + "another instead; the format has no cancellation or update yet"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPartnerEventException(Kind.MALFORMED, problems);
        }
        return columns;
    }

    /** The row's cells by column name; a row whose cell count is not the header's is refused as a whole. */
    private static Map<String, String> cells(Row row) {
        List<String> cells = split(row.line())
                .orElseThrow(() -> refused(ROW, "has an unterminated quote"));
        if (cells.size() != row.columns().size()) {
            // Values would land in the wrong columns (a NIR in a name column...): nothing of the row is read.
            throw new InvalidPartnerEventException(Kind.MALFORMED, List.of(new FieldError(ROW, "has " + cells.size()
                    + " cells but the header has " + row.columns().size() + " columns (a ';' too many or missing?)")));
        }
        Map<String, String> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            byColumn.put(row.columns().get(i), cells.get(i));
        }
        return byColumn;
    }

    /**
     * Splits one line on ';'. Spreadsheets quote a cell that holds a ';' or a '"' ("a;b", "say ""hi"""), so quotes
     * are honoured; a cell spanning several lines is not supported (the row is then refused for its quote).
     *
     * @return the cells, or empty when a quote is not closed
     */
    static Optional<List<String>> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == SEPARATOR) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            return Optional.empty();
        }
        cells.add(cell.toString());
        return Optional.of(cells);
    }

    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw refused(FILE, "is not valid UTF-8 (export it as 'CSV UTF-8')");
        }
    }

    private static InvalidPartnerEventException refused(String field, String reason) {
        return new InvalidPartnerEventException(Kind.MALFORMED, List.of(new FieldError(field, reason)));
    }
}
