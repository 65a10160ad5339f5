package fr.referralhub.eligibility;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

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

/**
 * Builds canonical referral events for tests, stating only what a case is about: every field not set stays
 * unknown (null), as when a partner leaves it out. Amounts are written in euros ("1400.00") and stored in cents.
 */
final class TestReferral {

    private String eventId = "6f1c2a52-2a43-4d55-9d2f-000000000001";
    private ReferralEventType eventType = ReferralEventType.CREATED;
    private Instant occurredAt = Instant.parse("2025-03-15T09:00:00Z");
    private boolean withPerson = true;
    private String personReference = "PSEUDO-TEST-0001";
    private LocalDate birthDate;
    private String homeCommune;
    private String homeDepartement;
    private HousingSituation housingSituation;
    private Boolean workPermit;
    private Boolean willingToMove;
    private final List<String> desiredDepartements = new ArrayList<>();
    private EmploymentStatus status;
    private Boolean inEducationOrTraining;
    private ContractType contractType;
    private EmployerSector employerSector;
    private LocalDate contractStart;
    private LocalDate contractEnd;
    private Boolean partTime;
    private Long grossMonthlySalaryCents;
    private Long netMonthlySalaryCents;
    private String workplaceCommune;
    private Integer distanceKm;
    private Integer travelMinutes;
    private Long rentCents;
    private String targetCommune;
    private String targetDepartement;
    private Boolean doubleRent;
    private final List<Need> needs = new ArrayList<>();
    private final List<Programme> requestedProgrammes = new ArrayList<>();

    static TestReferral referral() {
        return new TestReferral();
    }

    TestReferral eventId(String eventId) {
        this.eventId = eventId;
        return this;
    }

    TestReferral eventType(ReferralEventType eventType) {
        this.eventType = eventType;
        return this;
    }

    /** The partner event happened on that day, at 10:00 in Paris. */
    TestReferral appliedOn(LocalDate day) {
        this.occurredAt = day.atTime(LocalTime.of(10, 0)).atZone(EligibilityEngine.APPLICATION_TIME_ZONE).toInstant();
        return this;
    }

    TestReferral occurredAt(Instant occurredAt) {
        this.occurredAt = occurredAt;
        return this;
    }

    TestReferral withoutPerson() {
        this.withPerson = false;
        return this;
    }

    TestReferral personReference(String personReference) {
        this.personReference = personReference;
        return this;
    }

    TestReferral bornOn(LocalDate birthDate) {
        this.birthDate = birthDate;
        return this;
    }

    TestReferral livingIn(String commune, String departement) {
        this.homeCommune = commune;
        this.homeDepartement = departement;
        return this;
    }

    TestReferral housing(HousingSituation housingSituation) {
        this.housingSituation = housingSituation;
        return this;
    }

    TestReferral workPermit(Boolean workPermit) {
        this.workPermit = workPermit;
        return this;
    }

    /** Whether the person volunteers to move; null for unknown. */
    TestReferral willingToMove(Boolean willingToMove) {
        this.willingToMove = willingToMove;
        return this;
    }

    /** Departements where the person would move (replacing any given before); none for unknown. */
    TestReferral desiring(String... departements) {
        this.desiredDepartements.clear();
        this.desiredDepartements.addAll(List.of(departements));
        return this;
    }

    TestReferral status(EmploymentStatus status) {
        this.status = status;
        return this;
    }

    TestReferral inEducationOrTraining(Boolean inEducationOrTraining) {
        this.inEducationOrTraining = inEducationOrTraining;
        return this;
    }

    TestReferral contract(ContractType type, EmployerSector sector, LocalDate start) {
        this.contractType = type;
        this.employerSector = sector;
        this.contractStart = start;
        return this;
    }

    TestReferral employerSector(EmployerSector sector) {
        this.employerSector = sector;
        return this;
    }

    TestReferral contractEnd(LocalDate lastDay) {
        this.contractEnd = lastDay;
        return this;
    }

    /** Whether the contract is part-time; null for unknown. */
    TestReferral partTime(Boolean partTime) {
        this.partTime = partTime;
        return this;
    }

    TestReferral contractStart(LocalDate start) {
        this.contractStart = start;
        return this;
    }

    /** Gross monthly salary in euros; null for unknown. */
    TestReferral grossSalary(String euros) {
        this.grossMonthlySalaryCents = euros == null ? null : cents(euros);
        return this;
    }

    /** Net monthly salary in euros; null for unknown. */
    TestReferral netSalary(String euros) {
        this.netMonthlySalaryCents = euros == null ? null : cents(euros);
        return this;
    }

    TestReferral workplace(String commune) {
        this.workplaceCommune = commune;
        return this;
    }

    TestReferral distanceKm(Integer distanceKm) {
        this.distanceKm = distanceKm;
        return this;
    }

    /** Usual travel time from home to work in minutes; null for unknown. */
    TestReferral travelMinutes(Integer travelMinutes) {
        this.travelMinutes = travelMinutes;
        return this;
    }

    /** Target housing with its rent (null for unknown) in a departement (null for unknown). */
    TestReferral rent(String euros, String departement) {
        this.rentCents = euros == null ? null : cents(euros);
        this.targetDepartement = departement;
        return this;
    }

    TestReferral targetCommune(String commune) {
        this.targetCommune = commune;
        return this;
    }

    TestReferral doubleRent(Boolean doubleRent) {
        this.doubleRent = doubleRent;
        return this;
    }

    TestReferral needs(Need... needs) {
        this.needs.addAll(List.of(needs));
        return this;
    }

    TestReferral requesting(Programme... programmes) {
        this.requestedProgrammes.addAll(List.of(programmes));
        return this;
    }

    ReferralEvent build() {
        boolean contractDetails = employerSector != null || contractStart != null || grossMonthlySalaryCents != null
                || netMonthlySalaryCents != null || workplaceCommune != null || distanceKm != null || travelMinutes != null || partTime != null;
        if ((contractDetails && contractType == null) || (contractType != null && status == null)) {
            // The schema needs a contract type and an employment status: refuse rather than drop facts silently.
            throw new IllegalStateException("A test contract needs a status and a contract type");
        }
        return ReferralEvent.newBuilder()
                .setEventId(eventId)
                .setEventType(eventType)
                .setReferralId("b7d0f7e4-8c1e-4f7a-9a59-000000000002")
                .setOccurredAt(occurredAt)
                .setReceivedAt(occurredAt.plusSeconds(2))
                .setSource(SourceReference.newBuilder()
                        // A partner of the registry (partners-dev.yaml): the referral state decides no other's events.
                        .setPartnerId("france-travail-93")
                        .setPartnerKind(PartnerKind.EMPLOYMENT_AGENCY)
                        .setChannel(IntakeChannel.HTTP_JSON)
                        .setStructureCode("FT-93-SAINT-DENIS")
                        .setPartnerEventId("FT-TEST-" + eventId)
                        .build())
                .setPerson(withPerson ? person() : null)
                .setEmployment(status == null ? null : employment())
                .setTargetHousing(hasTargetHousing() ? targetHousing() : null)
                .setNeeds(List.copyOf(needs))
                .setRequestedProgrammes(List.copyOf(requestedProgrammes))
                .setDesiredDepartements(List.copyOf(desiredDepartements))
                .build();
    }

    private PersonProfile person() {
        return PersonProfile.newBuilder()
                .setPersonReference(personReference)
                .setPersonReferenceBasis(PersonReferenceBasis.NIR)
                .setBirthDate(birthDate)
                .setHomeCommune(homeCommune)
                .setHomeDepartement(homeDepartement)
                .setHousingSituation(housingSituation)
                .setWorkPermit(workPermit)
                .setWillingToMove(willingToMove)
                .build();
    }

    private EmploymentSituation employment() {
        return EmploymentSituation.newBuilder()
                .setStatus(status)
                .setInEducationOrTraining(inEducationOrTraining)
                .setContract(contractType == null ? null : EmploymentContract.newBuilder()
                        .setType(contractType)
                        .setEmployerSector(employerSector)
                        .setStartDate(contractStart)
                        .setEndDate(contractEnd)
                        .setPartTime(partTime)
                        .setGrossMonthlySalaryCents(grossMonthlySalaryCents)
                        .setNetMonthlySalaryCents(netMonthlySalaryCents)
                        .setWorkplaceCommune(workplaceCommune)
                        .setHomeToWorkDistanceKm(distanceKm)
                        .setHomeToWorkTravelMinutes(travelMinutes)
                        .build())
                .build();
    }

    private boolean hasTargetHousing() {
        return rentCents != null || targetCommune != null || targetDepartement != null || doubleRent != null;
    }

    private TargetHousing targetHousing() {
        return TargetHousing.newBuilder()
                .setMonthlyRentCents(rentCents)
                .setCommune(targetCommune)
                .setDepartement(targetDepartement)
                .setDoubleRent(doubleRent)
                .build();
    }

    private static long cents(String euros) {
        return new BigDecimal(euros).movePointRight(2).longValueExact();
    }
}
