package fr.referralhub.counselling;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

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
 * Canonical referral events for counselling tests: a complete one (every field filled, so minimisation shows), and
 * its update and cancellation. V1 of DOMAIN.md: 27, job seeker, rent 700 EUR outside Ile-de-France, Visale ELIGIBLE.
 */
final class Referrals {

    static final LocalDate APPLIED_ON = LocalDate.of(2026, 3, 16);

    private Referrals() {
    }

    /** A creation in Ajaccio (2A004), person informed, aged 27 on the application date, Visale-eligible. */
    static ReferralEvent.Builder complete(String partnerId) {
        String referralId = UUID.randomUUID().toString();
        return ReferralEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setEventType(ReferralEventType.CREATED)
                .setReferralId(referralId)
                .setOccurredAt(APPLIED_ON.atTime(10, 0).atZone(java.time.ZoneId.of("Europe/Paris")).toInstant())
                .setReceivedAt(Instant.parse("2026-03-16T09:00:01Z"))
                .setSource(SourceReference.newBuilder().setPartnerId(partnerId).setPartnerKind(PartnerKind.EMPLOYMENT_AGENCY)
                        .setChannel(IntakeChannel.HTTP_JSON).setStructureType("FRANCE_TRAVAIL").setStructureCode("FT-2A-AJACCIO")
                        .setStructureName("France Travail Ajaccio").setPartnerEventId("FT-" + referralId)
                        .setOriginPartnerEventId(null).build())
                .setPerson(PersonProfile.newBuilder().setPersonReference("PSEUDO-" + referralId)
                        .setPersonReferenceBasis(PersonReferenceBasis.NIR)
                        .setBirthDate(APPLIED_ON.minusYears(27).minusDays(10))
                        .setHomeCommune("2A004").setHomeDepartement("2A")
                        .setHousingSituation(HousingSituation.HEBERGE_TIERS).setWorkPermit(true).build())
                .setEmployment(EmploymentSituation.newBuilder().setStatus(EmploymentStatus.DEMANDEUR_EMPLOI)
                        .setInEducationOrTraining(false)
                        .setContract(EmploymentContract.newBuilder().setType(ContractType.CDD)
                                .setEmployerSector(EmployerSector.PRIVE_NON_AGRICOLE)
                                .setStartDate(APPLIED_ON.plusDays(15)).setEndDate(APPLIED_ON.plusMonths(6))
                                .setGrossMonthlySalaryCents(190_000L).setNetMonthlySalaryCents(148_000L)
                                .setWorkplaceCommune("2B033").setHomeToWorkDistanceKm(150).build())
                        .build())
                .setTargetHousing(TargetHousing.newBuilder().setMonthlyRentCents(70_000L).setCommune("2B033")
                        .setDepartement("2B").setDoubleRent(false).build())
                .setNeeds(List.of(Need.LOGEMENT, Need.MOBILITE))
                .setRequestedProgrammes(List.of(Programme.VISALE))
                .setDesiredDepartements(List.of("2B"))
                .setPersonInformed(true)
                .setPersonInformedOn(APPLIED_ON.minusDays(1))
                .setCancellationReason(null);
    }

    /** The full new state of the referral, as a later event. */
    static ReferralEvent.Builder updateOf(ReferralEvent creation) {
        return ReferralEvent.newBuilder(creation).setEventId(UUID.randomUUID().toString())
                .setEventType(ReferralEventType.UPDATED)
                .setOccurredAt(creation.getOccurredAt().plusSeconds(3600))
                .setSource(SourceReference.newBuilder(creation.getSource())
                        .setPartnerEventId(creation.getSource().getPartnerEventId() + "-update-" + UUID.randomUUID())
                        .setOriginPartnerEventId(creation.getSource().getPartnerEventId()).build());
    }

    /** The canonical shape of a cancellation: no person, no situation, a reason code. */
    static ReferralEvent cancellationOf(ReferralEvent creation) {
        return updateOf(creation).setEventType(ReferralEventType.CANCELLED).setPerson(null).setEmployment(null)
                .setTargetHousing(null).setNeeds(List.of()).setRequestedProgrammes(List.of())
                .setDesiredDepartements(List.of()).setPersonInformed(null).setPersonInformedOn(null)
                .setCancellationReason("DOUBLON").build();
    }
}
