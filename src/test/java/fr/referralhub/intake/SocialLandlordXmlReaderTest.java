package fr.referralhub.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.ContractType;
import fr.referralhub.avro.EmployerSector;
import fr.referralhub.avro.EmploymentStatus;
import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.intake.InvalidPartnerEventException.Kind;
import fr.referralhub.partners.Partner;
import fr.referralhub.testing.Samples;
import org.junit.jupiter.api.Test;

/** The landlords' XML, against the XSD and the mapping, on both samples and on hostile documents. */
class SocialLandlordXmlReaderTest {

    static final String SAMPLE_871 = "social-landlord/logis-hdf-orientation-000871.xml";
    static final String SAMPLE_902 = "social-landlord/logis-hdf-orientation-000902.xml";
    static final Partner LOGIS_HDF = new Partner("logis-hdf", "Logis Hauts-de-France", PartnerKind.SOCIAL_LANDLORD,
            IntakeChannel.KAFKA_XML, SocialLandlordXmlReader.FORMAT, true, List.of("457504694"), List.of());

    private final SocialLandlordXmlReader reader = new SocialLandlordXmlReader();

    @Test
    void shouldMapACreationWithoutContract() {
        PartnerEvent event = reader.read(Samples.bytes(SAMPLE_871), LOGIS_HDF);
        ReferralEvent draft = event.draft();

        assertThat(draft.getEventType()).isEqualTo(ReferralEventType.CREATED);
        assertThat(draft.getOccurredAt()).isEqualTo(Instant.parse("2026-11-18T13:02:11Z"));
        assertThat(draft.getSource().getPartnerId()).isEqualTo("logis-hdf");
        assertThat(draft.getSource().getPartnerKind()).isEqualTo(PartnerKind.SOCIAL_LANDLORD);
        assertThat(draft.getSource().getChannel()).isEqualTo(IntakeChannel.KAFKA_XML);
        assertThat(draft.getSource().getStructureCode()).isEqualTo("457504694");
        assertThat(draft.getSource().getPartnerEventId()).isEqualTo("HDF-LOGIS-2026-000871");
        assertThat(draft.getPerson().getBirthDate()).isEqualTo(LocalDate.of(1991, 2, 27));
        assertThat(draft.getPerson().getHomeCommune()).isEqualTo("59350");
        assertThat(draft.getPerson().getHomeDepartement()).isEqualTo("59");
        assertThat(draft.getEmployment().getStatus()).isEqualTo(EmploymentStatus.DEMANDEUR_EMPLOI);
        assertThat(draft.getEmployment().getContract()).isNull();
        assertThat(draft.getNeeds()).containsExactly(Need.EMPLOI, Need.MOBILITE);
        assertThat(draft.getRequestedProgrammes()).isEmpty();
        assertThat(draft.getPersonInformed()).isTrue();
        assertThat(draft.getPersonInformedOn()).isEqualTo(LocalDate.of(2026, 11, 17));
        assertThat(event.identifiers().nir()).isPresent();
        // Names, contact, comments are not carried on.
        assertThat(draft.toString()).doesNotContain("BENALI", "Samir", "example.org", "191025935008727", "+33700000001");
    }

    @Test
    void shouldCarryTheNetSalaryAsNetNeverAsGross() {
        ReferralEvent draft = reader.read(Samples.bytes(SAMPLE_902), LOGIS_HDF).draft();

        var contract = draft.getEmployment().getContract();
        assertThat(draft.getEmployment().getStatus()).isEqualTo(EmploymentStatus.SALARIE);
        assertThat(contract.getType()).isEqualTo(ContractType.CDD);
        assertThat(contract.getEmployerSector()).isEqualTo(EmployerSector.PRIVE_NON_AGRICOLE);
        assertThat(contract.getStartDate()).isEqualTo(LocalDate.of(2026, 9, 15));
        assertThat(contract.getNetMonthlySalaryCents()).isEqualTo(142_000L);
        assertThat(contract.getGrossMonthlySalaryCents()).isNull();
        assertThat(contract.getWorkplaceCommune()).isEqualTo("62041");
        assertThat(draft.getNeeds()).containsExactly(Need.LOGEMENT);
        assertThat(draft.getRequestedProgrammes()).containsExactly(Programme.VISALE);
        assertThat(draft.getTargetHousing().getMonthlyRentCents()).isEqualTo(64_000L);
        assertThat(draft.getTargetHousing().getCommune()).isEqualTo("62041");
        assertThat(draft.getTargetHousing().getDepartement()).isEqualTo("62");
    }

    @Test
    void shouldRefuseExternalEntitiesWithoutReadingThem() {
        String xxe = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE orientation [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1"><identifiant>&xxe;</identifiant></orientation>
                """;
        InvalidPartnerEventException refused = refusal(xxe);
        assertThat(refused.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refused.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("(document)");
            assertThat(e.reason()).contains("DOCTYPE").doesNotContain("root:");
        });
    }

    @Test
    void shouldRefuseAnEntityExpansionBomb() {
        StringBuilder bomb = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            bomb.append("<!ENTITY lol").append(i).append(" \"")
                    .append(("&lol" + (i == 1 ? "" : String.valueOf(i - 1)) + ";").repeat(10)).append("\">\n");
        }
        bomb.append("]>\n<orientation xmlns=\"urn:fr:hlm:orientation:1\" version=\"1\"><identifiant>&lol9;</identifiant></orientation>");
        InvalidPartnerEventException refused = refusal(bomb.toString());
        assertThat(refused.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(refused.errors().get(0).reason()).contains("DOCTYPE");
    }

    @Test
    void shouldRefuseAnotherNamespace() {
        String other = Samples.text(SAMPLE_871).replace("urn:fr:hlm:orientation:1", "urn:fr:hlm:orientation:2");
        InvalidPartnerEventException refused = refusal(other);
        assertThat(refused.kind()).isEqualTo(Kind.INVALID);
        assertThat(refused.errors().get(0).field()).isEqualTo("orientation");
        assertThat(refused.errors().get(0).reason()).contains("urn:fr:hlm:orientation:1", "line 2");
    }

    @Test
    void shouldNameTheElementAndLineButNeverTheValue() {
        String bad = Samples.text(SAMPLE_902).replace("salaireNetMensuel=\"1420.00\"", "salaireNetMensuel=\"1420,5\"")
                .replace("<besoin>LOGEMENT</besoin>", "<besoin>191025935008727</besoin>");
        InvalidPartnerEventException refused = refusal(bad);
        assertThat(refused.kind()).isEqualTo(Kind.INVALID);
        assertThat(refused.errors()).extracting(FieldError::field)
                .contains("orientation/situation/contrat", "orientation/besoins/besoin");
        assertThat(refused.errors()).allSatisfy(e -> assertThat(e.reason()).contains("line ")
                .doesNotContain("1420,5", "191025935008727"));
    }

    @Test
    void shouldRefuseADocumentOfAnotherLandlordsStructure() {
        String other = Samples.text(SAMPLE_871).replace("457504694", "552081317");
        InvalidPartnerEventException refused = refusal(other);
        assertThat(refused.errors()).extracting(FieldError::field).containsExactly("orientation/bailleur/@siren");
    }

    @Test
    void shouldRefuseAnInvalidNirWithoutRepeatingIt() {
        String bad = Samples.text(SAMPLE_871).replace("191025935008727", "191025935008799");
        InvalidPartnerEventException refused = refusal(bad);
        assertThat(refused.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("orientation/locataire/nir");
            assertThat(e.reason()).doesNotContain("191025935008799");
        });
    }

    @Test
    void shouldReadACancellationOfAnEarlierCreation() {
        String cancellation = """
                <?xml version="1.0" encoding="UTF-8"?>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1">
                  <identifiant>HDF-LOGIS-2026-000950</identifiant>
                  <dateEmission>2026-11-21T09:00:00+01:00</dateEmission>
                  <nature>ANNULATION</nature>
                  <identifiantOrigine>HDF-LOGIS-2026-000871</identifiantOrigine>
                  <motif>DOUBLON</motif>
                  <bailleur siren="457504694"/>
                </orientation>
                """;
        ReferralEvent draft = reader.read(cancellation.strip().getBytes(StandardCharsets.UTF_8), LOGIS_HDF).draft();
        assertThat(draft.getEventType()).isEqualTo(ReferralEventType.CANCELLED);
        assertThat(draft.getSource().getOriginPartnerEventId()).isEqualTo("HDF-LOGIS-2026-000871");
        assertThat(draft.getCancellationReason()).isEqualTo("DOUBLON");
        assertThat(draft.getPerson()).isNull();
    }

    @Test
    void shouldRefuseACancellationWithoutItsReasonCode() {
        String withoutReason = """
                <?xml version="1.0" encoding="UTF-8"?>
                <orientation xmlns="urn:fr:hlm:orientation:1" version="1">
                  <identifiant>HDF-LOGIS-2026-000951</identifiant>
                  <dateEmission>2026-11-21T09:00:00+01:00</dateEmission>
                  <nature>ANNULATION</nature>
                  <identifiantOrigine>HDF-LOGIS-2026-000871</identifiantOrigine>
                  %s
                  <bailleur siren="457504694"/>
                </orientation>
                """;
        assertThat(refusal(withoutReason.formatted("").strip()).errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("orientation/motif");
            assertThat(e.reason()).contains("required for an ANNULATION");
        });
        // The schema declares <motif> optional (a CREATION has none) but not empty: a blank one is no reason code.
        for (String blank : List.of("<motif></motif>", "<motif>   </motif>", "<motif>doublon</motif>")) {
            assertThat(refusal(withoutReason.formatted(blank).strip()).errors()).as(blank)
                    .isNotEmpty().extracting(FieldError::field).containsOnly("orientation/motif");
        }
    }

    @Test
    void shouldRefuseAModificationWithoutItsOrigin() {
        String update = Samples.text(SAMPLE_871).replace("<nature>CREATION</nature>", "<nature>MODIFICATION</nature>");
        assertThat(refusal(update).errors()).extracting(FieldError::field)
                .containsExactly("orientation/identifiantOrigine");
    }

    @Test
    void shouldRefuseWhatIsNotXml() {
        assertThatThrownBy(() -> reader.read("{\"idEvenement\":1}".getBytes(StandardCharsets.UTF_8), LOGIS_HDF))
                .isInstanceOf(InvalidPartnerEventException.class)
                .hasMessageContaining("not well-formed XML");
        assertThatThrownBy(() -> reader.read(new byte[0], LOGIS_HDF)).hasMessageContaining("is empty");
    }

    private InvalidPartnerEventException refusal(String xml) {
        return catchThrowableOfType(InvalidPartnerEventException.class,
                () -> reader.read(xml.strip().getBytes(StandardCharsets.UTF_8), LOGIS_HDF));
    }
}
