package fr.referralhub.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import fr.referralhub.api.FieldError;
import fr.referralhub.api.JsonErrorPosition;
import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentContract;
import fr.referralhub.avro.EmploymentSituation;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.HousingSituation;
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
import fr.referralhub.partners.PartnerAccessDeniedException;
import fr.referralhub.partners.PartnerAuthentication;
import fr.referralhub.territory.InseeCodes;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the employment agencies' JSON (France Travail, missions locales, Cap emploi, Apec) exactly as they send it
 * ({@code shared/samples/employment-agency}) and maps it to a canonical draft.
 *
 * <p>What is not carried on: names, phone, e-mail, the counsellor and free-text comments. The canonical referral
 * travels on a shared topic and only keeps what eligibility and routing need (data minimisation).
 */
@Component
public class EmploymentAgencyEventReader {

    /** One referral is a few kilobytes; anything this large is not one event. */
    public static final int MAX_BYTES = 256 * 1024;
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    // Compiled once, not by String.matches on every request.
    private static final Pattern REASON_CODE = Pattern.compile("[A-Z][A-Z0-9_]{1,39}");
    private static final Pattern FRANCE_TRAVAIL_ID = Pattern.compile("[0-9A-Za-z]{5,12}");

    private final ObjectReader json;
    private final EventDates eventDates;

    /** Outside Spring (tests, tools): event dates checked against the bundled rule sets and the system clock. */
    public EmploymentAgencyEventReader(ObjectMapper json) {
        this(json, EventDates.bundledRuleSets());
    }

    @Autowired
    EmploymentAgencyEventReader(ObjectMapper json, EventDates eventDates) {
        // Decimals read exactly, never as doubles: 1e400 is then a number too large (422), not an infinity that
        // breaks the conversion to cents, and 1400.005 keeps its third decimal to be refused for it.
        this.json = json.readerFor(JsonNode.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // One event per body: anything after it would be silently ignored otherwise.
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.eventDates = eventDates;
    }

    /**
     * @param partner the authenticated partner: the event must be for one of its structures, and is published
     *                under its id
     */
    public PartnerEvent read(byte[] body, @ExchangeProperty(PartnerAuthentication.PARTNER) Partner partner) {
        JsonNode root = parse(body);
        JsonFields f = new JsonFields();

        Optional<String> eventId = f.eventId(root, "idEvenement", true);
        Optional<String> eventType = f.code(root, "typeEvenement", true,
                t -> t.equals("ORIENTATION_CREEE") || t.equals("ORIENTATION_MODIFIEE") || t.equals("ORIENTATION_ANNULEE"),
                "ORIENTATION_CREEE, ORIENTATION_MODIFIEE or ORIENTATION_ANNULEE");
        Optional<Instant> occurredAt = f.timestamp(root, "horodatage", true);
        occurredAt.ifPresent(at -> f.checkEventTime("horodatage", at, eventDates));
        Optional<JsonNode> structure = f.object(root, "structure", true);
        Optional<String> structureCode = structure.flatMap(s -> f.text(s, "structure.code", true));
        // A partner publishes only for its own structures: refused before anything else is looked at.
        structureCode.filter(code -> !partner.mayPublishFor(code)).ifPresent(code -> {
            throw PartnerAccessDeniedException.notYourStructure(partner, code);
        });
        Optional<String> structureType = structure.flatMap(s -> f.text(s, "structure.type", false));
        Optional<String> structureName = structure.flatMap(s -> f.text(s, "structure.libelle", false));

        ReferralEventType type = eventType.map(EmploymentAgencyEventReader::canonicalType).orElse(ReferralEventType.CREATED);
        Optional<String> origin = f.eventId(root, "idEvenementOrigine", type != ReferralEventType.CREATED);

        ReferralEvent.Builder draft = PartnerEvent.newDraft(type, occurredAt);
        PartnerEvent.Identifiers identifiers = PartnerEvent.Identifiers.NONE;

        if (type == ReferralEventType.CANCELLED) {
            // A code, not free text: the canonical record goes on a shared topic (the comment is not carried).
            draft.setCancellationReason(f.code(root, "motif", true, m -> REASON_CODE.matcher(m).matches(),
                    "a reason code in capitals, e.g. DOUBLON").orElse(null));
        } else {
            identifiers = readReferral(root, f, draft, occurredAt);
        }

        f.throwIfAny(Kind.INVALID);
        draft.setSource(SourceReference.newBuilder()
                .setPartnerId(partner.id())
                .setPartnerKind(PartnerKind.EMPLOYMENT_AGENCY)
                .setChannel(IntakeChannel.HTTP_JSON)
                .setStructureType(structureType.orElse(null))
                .setStructureCode(structureCode.orElseThrow())
                .setStructureName(structureName.orElse(null))
                .setPartnerEventId(eventId.orElseThrow())
                .setOriginPartnerEventId(origin.orElse(null))
                .build());
        return new PartnerEvent(draft.build(), identifiers);
    }

    private PartnerEvent.Identifiers readReferral(JsonNode root, JsonFields f, ReferralEvent.Builder draft,
                                                  Optional<Instant> occurredAt) {
        Optional<JsonNode> person = f.object(root, "beneficiaire", true);
        Optional<Nir> nir = person.flatMap(p -> f.text(p, "beneficiaire.nir", false))
                .flatMap(raw -> f.nir("beneficiaire.nir", raw));
        Optional<String> franceTravailId = person.flatMap(p -> f.code(p, "beneficiaire.identifiantFranceTravail", false,
                id -> FRANCE_TRAVAIL_ID.matcher(id).matches(), "5 to 12 letters or digits"));
        Optional<LocalDate> birthDate = person.flatMap(p -> f.date(p, "beneficiaire.dateNaissance", true));
        birthDate.ifPresent(born -> f.checkBirthDate("beneficiaire.dateNaissance", born,
                occurredAt.map(t -> t.atZone(PARIS).toLocalDate()).orElse(LocalDate.now(PARIS))));
        Optional<JsonNode> address = person.flatMap(p -> f.object(p, "beneficiaire.adresse", true));
        Optional<String> homeCommune = address.flatMap(a -> f.code(a, "beneficiaire.adresse.codeCommuneInsee", true,
                InseeCodes::isCommune, "an INSEE commune code (5 characters, e.g. 93066 or 2A004; not a postal code)"));

        draft.setPerson(PersonProfile.newBuilder()
                .setPersonReference("")
                .setPersonReferenceBasis(PersonReferenceBasis.NONE)
                .setBirthDate(birthDate.orElse(null))
                .setHomeCommune(homeCommune.orElse(null))
                .setHomeDepartement(homeCommune.flatMap(InseeCodes::departementOf).orElse(null))
                .setHousingSituation(person.flatMap(p -> f.enumValue(p, "beneficiaire.modeHebergement", false,
                        HousingSituation.class)).orElse(null))
                .setWorkPermit(person.flatMap(p -> f.bool(p, "beneficiaire.autorisationTravail", false)).orElse(null))
                .setWillingToMove(person.flatMap(p -> f.bool(p, "beneficiaire.volontaireMobilite", false)).orElse(null))
                .build());

        f.object(root, "situation", true).ifPresent(situation -> draft.setEmployment(readSituation(situation, f)));
        f.object(root, "logementVise", false).ifPresent(housing -> draft.setTargetHousing(readTargetHousing(housing, f)));
        List<Need> needs = f.enumList(root, "freins", Need.class);
        // A health obstacle is sensitive data (DOMAIN.md): it is accepted but not put on the shared topic.
        needs.remove(Need.SANTE);
        draft.setNeeds(needs);
        draft.setRequestedProgrammes(f.enumList(root, "dispositifsDemandes", Programme.class));
        draft.setDesiredDepartements(f.codeList(root, "territoiresSouhaites", InseeCodes::isDepartement,
                "an INSEE departement code (e.g. 15, 2A, 971)"));
        Optional<JsonNode> information = f.object(root, "information", true);
        draft.setPersonInformed(information.flatMap(i -> f.bool(i, "information.beneficiaireInforme", true)).orElse(null));
        draft.setPersonInformedOn(information.flatMap(i -> f.date(i, "information.date", false)).orElse(null));
        return new PartnerEvent.Identifiers(nir, franceTravailId, birthDate);
    }

    private static EmploymentSituation readSituation(JsonNode situation, JsonFields f) {
        Optional<EmploymentStatus> status = f.enumValue(situation, "situation.statut", true, EmploymentStatus.class);
        EmploymentSituation.Builder builder = EmploymentSituation.newBuilder()
                .setStatus(status.orElse(EmploymentStatus.SANS_ACTIVITE))
                .setInEducationOrTraining(f.bool(situation, "situation.enFormation", false).orElse(null));
        f.object(situation, "situation.contrat", false).ifPresent(contract -> builder.setContract(contract(contract, f)));
        return builder.build();
    }

    private static EmploymentContract contract(JsonNode contract, JsonFields f) {
        Optional<LocalDate> start = f.date(contract, "situation.contrat.dateDebut", false);
        Optional<LocalDate> end = f.date(contract, "situation.contrat.dateFin", false);
        if (start.isPresent() && end.isPresent() && end.get().isBefore(start.get())) {
            f.reject("situation.contrat.dateFin", "must not be before situation.contrat.dateDebut");
        }
        // Placeholder type when missing: the event is refused anyway (the error is recorded), never published.
        return EmploymentContract.newBuilder()
                .setType(f.enumValue(contract, "situation.contrat.type", true, ContractType.class).orElse(ContractType.CDI))
                .setEmployerSector(f.enumValue(contract, "situation.contrat.secteurEmployeur", false,
                        EmployerSector.class).orElse(null))
                .setStartDate(start.orElse(null))
                .setEndDate(end.orElse(null))
                .setGrossMonthlySalaryCents(f.euroCents(contract, "situation.contrat.salaireBrutMensuel").orElse(null))
                .setWorkplaceCommune(f.code(contract, "situation.contrat.codeCommuneLieuTravail", false,
                        InseeCodes::isCommune, "an INSEE commune code").orElse(null))
                .setHomeToWorkDistanceKm(f.wholeNumber(contract, "situation.contrat.distanceDomicileKm", 0, 20_000)
                        .orElse(null))
                .setHomeToWorkTravelMinutes(f.wholeNumber(contract, "situation.contrat.dureeTrajetMinutes", 0, 24 * 60)
                        .orElse(null))
                .build();
    }

    private static TargetHousing readTargetHousing(JsonNode housing, JsonFields f) {
        Optional<String> commune = f.code(housing, "logementVise.codeCommuneInsee", false, InseeCodes::isCommune,
                "an INSEE commune code");
        return TargetHousing.newBuilder()
                .setMonthlyRentCents(f.euroCents(housing, "logementVise.loyerMensuel").orElse(null))
                .setCommune(commune.orElse(null))
                .setDepartement(commune.flatMap(InseeCodes::departementOf).orElse(null))
                .setDoubleRent(f.bool(housing, "logementVise.doubleLoyer", false).orElse(null))
                .build();
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw malformed("(body)", "is empty: send one referral event as a JSON object");
        }
        if (body.length > MAX_BYTES) {
            throw new InvalidPartnerEventException(Kind.TOO_LARGE,
                    List.of(new FieldError("(body)", "is " + body.length + " bytes; one event is at most " + MAX_BYTES)));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("(body)", "is not valid UTF-8");
        }
        try {
            JsonNode root = json.readTree(text);
            if (root == null || !root.isObject()) {
                throw malformed("(body)", "must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed("(body)", "is not valid JSON" + JsonErrorPosition.of(e));
        } catch (NumberFormatException | ArithmeticException e) {
            // A number whose exponent does not fit (1e99999999999) fails in the JDK's parser, not Jackson's.
            throw malformed("(body)", "has a number that cannot be read");
        }
    }

    private static InvalidPartnerEventException malformed(String field, String reason) {
        return new InvalidPartnerEventException(Kind.MALFORMED, List.of(new FieldError(field, reason)));
    }

    private static ReferralEventType canonicalType(String partnerType) {
        return switch (partnerType) {
            case "ORIENTATION_MODIFIEE" -> ReferralEventType.UPDATED;
            case "ORIENTATION_ANNULEE" -> ReferralEventType.CANCELLED;
            default -> ReferralEventType.CREATED;
        };
    }
}
