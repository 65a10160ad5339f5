package fr.referralhub.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;

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
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.XMLFilterImpl;

/**
 * Reads the social landlords' XML documents (bailleurs sociaux; format {@value #FORMAT}, namespace {@value #NS},
 * {@code shared/samples/social-landlord}), one per record of the landlord's intake topic, and maps each to a
 * canonical draft like {@link EmploymentAgencyEventReader} does for JSON.
 *
 * <p>A document is first validated against {@code xml/orientation-1.xsd}, with a parser that refuses any DOCTYPE: no
 * DTD, no entity, so neither external entities (XXE) nor entity expansion (billion laughs) can be used. Reasons name
 * the element and line, never the value (the value may be a NIR).
 *
 * <p>Salaries are NET monthly amounts: {@code salaireNetMensuel} goes to {@code netMonthlySalaryCents}, never to the
 * gross field. Names, contact details, the lease reference and the comment are not carried on (data minimisation).
 */
@Component
public class SocialLandlordXmlReader {

    public static final String FORMAT = "social-landlord-xml-v1";
    public static final String NS = "urn:fr:hlm:orientation:1";
    public static final String XSD = "xml/orientation-1.xsd";
    /** One referral is a few kilobytes; anything this large is not one document. */
    public static final int MAX_BYTES = 256 * 1024;
    static final String DOCUMENT = "(document)";
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private final Schema schema;
    private final EventDates eventDates;

    /** Outside Spring (tests, tools): event dates checked against the bundled rule sets and the system clock. */
    public SocialLandlordXmlReader() {
        this(EventDates.bundledRuleSets());
    }

    @Autowired
    SocialLandlordXmlReader(EventDates eventDates) {
        this.eventDates = eventDates;
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            URL xsd = SocialLandlordXmlReader.class.getClassLoader().getResource(XSD);
            if (xsd == null) {
                throw new IllegalStateException("Missing classpath resource " + XSD);
            }
            this.schema = factory.newSchema(xsd);
        } catch (SAXException e) {
            throw new IllegalStateException("Invalid " + XSD, e);
        }
    }

    /**
     * @param partner the landlord whose intake topic the document came from: the document must be for one of its
     *                structures (bailleur/@siren), and is published under its id
     * @throws InvalidPartnerEventException MALFORMED when not well-formed XML or with a DOCTYPE, INVALID when the
     *                                      document breaks the schema or the hub's rules, with every reason found
     */
    public PartnerEvent read(byte[] body, Partner partner) {
        if (body == null || body.length == 0) {
            throw malformed("is empty: send one <orientation> document per record");
        }
        if (body.length > MAX_BYTES) {
            throw new InvalidPartnerEventException(Kind.TOO_LARGE,
                    List.of(new FieldError(DOCUMENT, "is " + body.length + " bytes; one document is at most " + MAX_BYTES)));
        }
        validate(body);
        Element root = parse(body).getDocumentElement();
        return map(root, partner, eventDates);
    }

    // ---------------------------------------------------------------------------------------------- validation

    /** Validates against the XSD while parsing with a hardened SAX parser, collecting every schema problem. */
    private void validate(byte[] body) {
        List<FieldError> problems = new ArrayList<>();
        ValidatorHandler validator = schema.newValidatorHandler();
        PathTracker path = new PathTracker();
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
            }

            @Override
            public void error(SAXParseException e) {
                if (problems.size() < 50) {
                    problems.add(new FieldError(path.current(), schemaReason(e)));
                }
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        try {
            XMLReader reader = hardenedSaxFactory().newSAXParser().getXMLReader();
            path.setParent(reader);
            path.setContentHandler(validator);
            path.parse(new InputSource(new ByteArrayInputStream(body)));
        } catch (SAXParseException e) {
            throw notWellFormed(e);
        } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
            // RuntimeException: whatever a hostile document makes the JDK's parser throw is still its refusal, not a
            // failure of the hub to retry (issue 18's fuzzing).
            throw malformed("could not be read as XML");
        }
        if (!problems.isEmpty()) {
            throw new InvalidPartnerEventException(Kind.INVALID, problems);
        }
    }

    private static SAXParserFactory hardenedSaxFactory() throws ParserConfigurationException, SAXException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory;
    }

    private static Document parse(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(body));
        } catch (SAXParseException e) {
            throw notWellFormed(e);
        } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
            throw malformed("could not be read as XML");
        }
    }

    private static InvalidPartnerEventException notWellFormed(SAXParseException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("DOCTYPE")) {
            return malformed("must not have a DOCTYPE: DTDs and entities are refused (line " + e.getLineNumber() + ")");
        }
        // The parser's message may quote the document: position only.
        return malformed("is not well-formed XML (error at line " + e.getLineNumber() + ", column "
                + e.getColumnNumber() + ")");
    }

    /**
     * What a schema error means, from its code (cvc-...), without the parser's message: it quotes the value.
     */
    static String schemaReason(SAXParseException e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.indexOf(':');
        String code = colon > 0 ? message.substring(0, colon) : "schema";
        String meaning;
        if (code.equals("cvc-elt.1.a") || code.equals("cvc-elt.1")) {
            meaning = "is not the expected root element <orientation> of namespace " + NS;
        } else if (code.startsWith("cvc-enumeration-valid")) {
            meaning = "has a value outside the allowed codes";
        } else if (code.startsWith("cvc-pattern-valid")) {
            meaning = "has a value of the wrong format";
        } else if (code.startsWith("cvc-datatype-valid")) {
            meaning = "has a value of the wrong type (dates yyyy-MM-dd, amounts with a decimal point)";
        } else if (code.startsWith("cvc-fractionDigits") || code.startsWith("cvc-totalDigits")) {
            meaning = "must have at most 2 decimals";
        } else if (code.startsWith("cvc-minInclusive") || code.startsWith("cvc-maxInclusive")) {
            meaning = "must be between 0 and 1000000";
        } else if (code.startsWith("cvc-maxLength")) {
            meaning = "is too long";
        } else if (code.equals("cvc-complex-type.2.4.a") || code.equals("cvc-complex-type.2.4.d")) {
            meaning = "has an unexpected element, or elements out of order";
        } else if (code.equals("cvc-complex-type.2.4.b")) {
            meaning = "is missing a required element";
        } else if (code.equals("cvc-complex-type.4")) {
            meaning = "is missing a required attribute";
        } else if (code.equals("cvc-complex-type.3.2.2")) {
            meaning = "has an attribute that is not allowed";
        } else if (code.startsWith("cvc-attribute") || code.startsWith("cvc-type")) {
            meaning = "has an attribute or content with an invalid value";
        } else {
            meaning = "does not match the schema";
        }
        return meaning + " (" + code + ", line " + e.getLineNumber() + ")";
    }

    /** Passes SAX events on to the validator, keeping the path of the current element for error reasons. */
    private static final class PathTracker extends XMLFilterImpl {
        private final Deque<String> elements = new ArrayDeque<>();

        @Override
        public void startElement(String uri, String localName, String qName, Attributes atts) throws SAXException {
            elements.addLast(localName);
            super.startElement(uri, localName, qName, atts);
        }

        @Override
        public void endElement(String uri, String localName, String qName) throws SAXException {
            super.endElement(uri, localName, qName);
            elements.pollLast();
        }

        String current() {
            return elements.isEmpty() ? DOCUMENT : String.join("/", elements);
        }
    }

    // ---------------------------------------------------------------------------------------------- mapping

    private static PartnerEvent map(Element root, Partner partner, EventDates eventDates) {
        XmlFields f = new XmlFields();
        String eventId = f.text(root, "identifiant").orElseThrow();
        Optional<Instant> occurredAt = f.text(root, "dateEmission").flatMap(raw -> f.timestamp("orientation/dateEmission", raw));
        occurredAt.ifPresent(at -> f.checkEventTime("orientation/dateEmission", at, eventDates));
        String nature = f.text(root, "nature").orElseThrow();
        ReferralEventType type = switch (nature) {
            case "MODIFICATION" -> ReferralEventType.UPDATED;
            case "ANNULATION" -> ReferralEventType.CANCELLED;
            default -> ReferralEventType.CREATED;
        };
        Optional<String> origin = f.text(root, "identifiantOrigine");
        if (type == ReferralEventType.CREATED && origin.isPresent()) {
            f.reject("orientation/identifiantOrigine", "is only for a MODIFICATION or an ANNULATION");
        }
        if (type != ReferralEventType.CREATED && origin.isEmpty()) {
            f.reject("orientation/identifiantOrigine", "is required for a " + nature
                    + ": the identifiant of the CREATION document");
        }
        String siren = child(root, "bailleur").map(b -> b.getAttribute("siren")).orElse("");
        if (!partner.mayPublishFor(siren)) {
            f.reject("orientation/bailleur/@siren", "structure not allowed: not one of this partner's structures");
        }

        // The schema limits its length; a character reference (&#10;) could still put a line break in it.
        Optional<String> structureName = child(root, "bailleur").map(b -> b.getAttribute("nom")).filter(n -> !n.isBlank())
                .flatMap(name -> f.plainText("orientation/bailleur/@nom", name));

        ReferralEvent.Builder draft = PartnerEvent.newDraft(type, occurredAt);
        PartnerEvent.Identifiers identifiers = PartnerEvent.Identifiers.NONE;
        if (type == ReferralEventType.CANCELLED) {
            Optional<String> motif = f.text(root, "motif");
            if (motif.isEmpty()) {
                f.reject("orientation/motif", "is required for an ANNULATION: a reason code in capitals, e.g. DOUBLON");
            }
            draft.setCancellationReason(motif.orElse(null));
        } else {
            identifiers = readReferral(root, f, draft, occurredAt);
        }

        f.throwIfAny(Kind.INVALID);
        draft.setSource(SourceReference.newBuilder()
                .setPartnerId(partner.id())
                .setPartnerKind(PartnerKind.SOCIAL_LANDLORD)
                .setChannel(IntakeChannel.KAFKA_XML)
                .setStructureType("BAILLEUR_SOCIAL")
                .setStructureCode(siren)
                .setStructureName(structureName.orElse(null))
                .setPartnerEventId(eventId)
                .setOriginPartnerEventId(origin.orElse(null))
                .build());
        return new PartnerEvent(draft.build(), identifiers);
    }

    private static PartnerEvent.Identifiers readReferral(Element root, XmlFields f, ReferralEvent.Builder draft,
                                                         Optional<Instant> occurredAt) {
        Optional<Element> tenant = child(root, "locataire");
        if (tenant.isEmpty()) {
            f.reject("orientation/locataire", "is required for a CREATION or a MODIFICATION");
        }
        Optional<Nir> nir = tenant.flatMap(t -> f.text(t, "nir")).flatMap(raw -> f.nir("orientation/locataire/nir", raw));
        Optional<LocalDate> birthDate = tenant.flatMap(t -> f.text(t, "dateNaissance"))
                .flatMap(raw -> f.date("orientation/locataire/dateNaissance", raw));
        birthDate.ifPresent(born -> f.checkBirthDate("orientation/locataire/dateNaissance", born,
                occurredAt.map(t -> t.atZone(PARIS).toLocalDate()).orElse(LocalDate.now(PARIS))));
        Optional<String> homeCommune = tenant.flatMap(t -> child(t, "logement"))
                .flatMap(l -> f.attribute(l, "codeCommuneInsee", "orientation/locataire/logement/@codeCommuneInsee",
                        InseeCodes::isCommune, "an INSEE commune code (5 characters, e.g. 59350 or 2A004; not a postal code)"));
        draft.setPerson(PersonProfile.newBuilder()
                .setPersonReference("")
                .setPersonReferenceBasis(PersonReferenceBasis.NONE)
                .setBirthDate(birthDate.orElse(null))
                .setHomeCommune(homeCommune.orElse(null))
                .setHomeDepartement(homeCommune.flatMap(InseeCodes::departementOf).orElse(null))
                .build());

        child(root, "situation").ifPresent(situation -> draft.setEmployment(readSituation(situation, f)));
        child(root, "logementVise").ifPresent(housing -> draft.setTargetHousing(readTargetHousing(housing, f)));
        List<Need> needs = new ArrayList<>(children(root, "besoins", "besoin").stream()
                .map(code -> Need.valueOf(code)).distinct().toList());
        // A health obstacle is sensitive data (DOMAIN.md): it is accepted but not put on the shared topic.
        needs.remove(Need.SANTE);
        draft.setNeeds(needs);
        draft.setRequestedProgrammes(new ArrayList<>(children(root, "dispositifs", "dispositif").stream()
                .map(code -> Programme.valueOf(code)).distinct().toList()));
        Optional<Element> information = child(root, "information");
        if (information.isEmpty()) {
            f.reject("orientation/information", "is required: whether the person was informed of the referral");
        }
        // An xs:boolean: true, false, 1 or 0, spaces around allowed by the schema.
        draft.setPersonInformed(information.map(i -> i.getAttribute("beneficiaireInforme").strip())
                .map(informed -> informed.equals("true") || informed.equals("1")).orElse(null));
        draft.setPersonInformedOn(information.map(i -> i.getAttribute("date")).filter(d -> !d.isBlank())
                .flatMap(raw -> f.date("orientation/information/@date", raw)).orElse(null));
        return new PartnerEvent.Identifiers(nir, Optional.empty(), birthDate);
    }

    private static EmploymentSituation readSituation(Element situation, XmlFields f) {
        EmploymentStatus status = EmploymentStatus.valueOf(situation.getAttribute("statut"));
        EmploymentSituation.Builder builder = EmploymentSituation.newBuilder().setStatus(status);
        child(situation, "contrat").ifPresent(contract -> {
            Optional<LocalDate> start = optionalAttribute(contract, "dateDebut")
                    .flatMap(raw -> f.date("orientation/situation/contrat/@dateDebut", raw));
            Optional<LocalDate> end = optionalAttribute(contract, "dateFin")
                    .flatMap(raw -> f.date("orientation/situation/contrat/@dateFin", raw));
            if (start.isPresent() && end.isPresent() && end.get().isBefore(start.get())) {
                f.reject("orientation/situation/contrat/@dateFin", "must not be before @dateDebut");
            }
            builder.setContract(EmploymentContract.newBuilder()
                    .setType(ContractType.valueOf(contract.getAttribute("type")))
                    .setEmployerSector(optionalAttribute(contract, "secteurEmployeur").map(EmployerSector::valueOf)
                            .orElse(null))
                    .setStartDate(start.orElse(null))
                    .setEndDate(end.orElse(null))
                    // NET, as the landlords state it: never put in the gross field (which stays null).
                    .setNetMonthlySalaryCents(optionalAttribute(contract, "salaireNetMensuel")
                            .flatMap(euros -> f.euroCents("orientation/situation/contrat/@salaireNetMensuel",
                                    new BigDecimal(euros)))
                            .orElse(null))
                    .setGrossMonthlySalaryCents(null)
                    .setWorkplaceCommune(f.attribute(contract, "codeCommuneLieuTravail",
                            "orientation/situation/contrat/@codeCommuneLieuTravail", InseeCodes::isCommune,
                            "an INSEE commune code").orElse(null))
                    .build());
        });
        return builder.build();
    }

    private static TargetHousing readTargetHousing(Element housing, XmlFields f) {
        Optional<String> commune = f.attribute(housing, "codeCommuneInsee", "orientation/logementVise/@codeCommuneInsee",
                InseeCodes::isCommune, "an INSEE commune code");
        return TargetHousing.newBuilder()
                .setMonthlyRentCents(optionalAttribute(housing, "loyerMensuel")
                        .flatMap(euros -> f.euroCents("orientation/logementVise/@loyerMensuel", new BigDecimal(euros)))
                        .orElse(null))
                .setCommune(commune.orElse(null))
                .setDepartement(commune.flatMap(InseeCodes::departementOf).orElse(null))
                .build();
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static List<String> children(Element root, String list, String item) {
        List<String> values = new ArrayList<>();
        child(root, list).ifPresent(container -> {
            for (Node n = container.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && item.equals(e.getLocalName())) {
                    values.add(e.getTextContent().strip());
                }
            }
        });
        return values;
    }

    private static Optional<String> optionalAttribute(Element element, String name) {
        String value = element.getAttribute(name).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static InvalidPartnerEventException malformed(String reason) {
        return new InvalidPartnerEventException(Kind.MALFORMED, List.of(new FieldError(DOCUMENT, reason)));
    }

    /** Checks the schema cannot express, with the shared wording of {@link FieldErrors}. */
    private static final class XmlFields extends FieldErrors {

        Optional<String> text(Element parent, String name) {
            return child(parent, name).map(e -> e.getTextContent().strip()).filter(v -> !v.isEmpty());
        }

        Optional<String> attribute(Element element, String name, String field, Predicate<String> valid, String expected) {
            Optional<String> value = optionalAttribute(element, name);
            if (value.isPresent() && !valid.test(value.get())) {
                reject(field, "must be " + expected);
                return Optional.empty();
            }
            return value;
        }

        /** A day the schema let through (yyyy-MM-dd), checked for existence and {@link FieldErrors#day}. */
        Optional<LocalDate> date(String field, String raw) {
            try {
                return day(field, LocalDate.parse(raw));
            } catch (DateTimeParseException e) {
                reject(field, "must be an existing date as yyyy-MM-dd");
                return Optional.empty();
            }
        }

        /** An instant with its offset (the schema allows a dateTime without one: the hub does not guess it). */
        Optional<Instant> timestamp(String field, String raw) {
            try {
                return instant(field, OffsetDateTime.parse(raw).toInstant());
            } catch (DateTimeParseException e) {
                reject(field, "must be a date-time with its offset, e.g. 2026-11-18T14:02:11+01:00");
                return Optional.empty();
            }
        }
    }
}
