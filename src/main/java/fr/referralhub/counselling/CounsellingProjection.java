package fr.referralhub.counselling;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import fr.referralhub.avro.CounsellingEligibility;
import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.CounsellingReferrer;
import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EmploymentContract;
import fr.referralhub.avro.EmploymentSituation;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.TargetHousing;
import fr.referralhub.eligibility.SummaryWithoutValues;

/**
 * What one counselling service sees of one referral event: the ids and envelope, plus only the field groups its
 * subscription's profile allows ({@link CounsellingField}). Each group is copied explicitly, so a field added to the
 * canonical referral reaches no service until someone decides which group it belongs to.
 */
public final class CounsellingProjection {

    private CounsellingProjection() {
    }

    /** Same event and subscription, same id: a record delivered again is recognised as the same. */
    public static String deliveryIdFor(String eventId, String subscriptionId) {
        return UUID.nameUUIDFromBytes(("counselling:" + eventId + ":" + subscriptionId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * @param eventType as the service sees it: CREATED the first time it gets the referral, then UPDATED, CANCELLED
     * @param profile   the groups allowed; empty for a cancellation (it only names the referral)
     * @param decision  the event's eligibility decision, computed only if the profile holds ELIGIBILITY
     */
    public static CounsellingReferral project(ReferralEvent event, String subscriptionId, ReferralEventType eventType,
                                              Set<CounsellingField> profile, Supplier<EligibilityDecision> decision) {
        CounsellingReferral.Builder out = CounsellingReferral.newBuilder()
                .setDeliveryId(deliveryIdFor(event.getEventId(), subscriptionId))
                .setSubscriptionId(subscriptionId)
                .setReferralId(event.getReferralId())
                .setEventId(event.getEventId())
                .setEventType(eventType)
                .setOccurredAt(event.getOccurredAt())
                .setProfile(profile.stream().map(Enum::name).sorted().toList())
                .setCancellationReason(event.getCancellationReason());
        PersonProfile person = event.getPerson();
        EmploymentSituation employment = event.getEmployment();
        EmploymentContract contract = employment == null ? null : employment.getContract();
        TargetHousing target = event.getTargetHousing();
        for (CounsellingField field : profile) {
            switch (field) {
                case PERSON_REFERENCE -> out.setPersonReference(person == null ? null : person.getPersonReference());
                case REFERRER -> out.setReferrer(event.getSource() == null ? null : CounsellingReferrer.newBuilder()
                        .setPartnerId(event.getSource().getPartnerId())
                        .setStructureCode(event.getSource().getStructureCode())
                        .setStructureName(event.getSource().getStructureName()).build());
                case HOME -> {
                    if (person != null) {
                        out.setHomeCommune(person.getHomeCommune()).setHomeDepartement(person.getHomeDepartement());
                    }
                }
                case AGE -> out.setAge(Subscription.ageOf(event));
                case BIRTH_DATE -> out.setBirthDate(person == null ? null : person.getBirthDate());
                case HOUSING -> out.setHousingSituation(person == null ? null : person.getHousingSituation());
                case WORK_PERMIT -> out.setWorkPermit(person == null ? null : person.getWorkPermit());
                case EMPLOYMENT -> {
                    if (employment != null) {
                        out.setEmploymentStatus(employment.getStatus())
                                .setInEducationOrTraining(employment.getInEducationOrTraining());
                    }
                    if (contract != null) {
                        out.setContractType(contract.getType()).setEmployerSector(contract.getEmployerSector())
                                .setContractStartDate(contract.getStartDate()).setContractEndDate(contract.getEndDate());
                    }
                }
                case SALARY -> {
                    if (contract != null) {
                        out.setGrossMonthlySalaryCents(contract.getGrossMonthlySalaryCents())
                                .setNetMonthlySalaryCents(contract.getNetMonthlySalaryCents());
                    }
                }
                case WORKPLACE -> {
                    if (contract != null) {
                        out.setWorkplaceCommune(contract.getWorkplaceCommune())
                                .setHomeToWorkDistanceKm(contract.getHomeToWorkDistanceKm());
                    }
                }
                case TARGET_HOUSING -> {
                    if (target != null) {
                        out.setTargetHousingCommune(target.getCommune()).setTargetHousingDepartement(target.getDepartement())
                                .setMonthlyRentCents(target.getMonthlyRentCents()).setDoubleRent(target.getDoubleRent());
                    }
                }
                case NEEDS -> out.setNeeds(List.copyOf(event.getNeeds()));
                case PROGRAMMES -> out.setRequestedProgrammes(List.copyOf(event.getRequestedProgrammes()));
                case DESIRED_DEPARTEMENTS -> out.setDesiredDepartements(List.copyOf(event.getDesiredDepartements()));
                case ELIGIBILITY -> {
                    EligibilityDecision decided = decision.get();
                    if (decided == null) {
                        break;
                    }
                    out.setEligibility(decided.getProgrammes().stream().map(p -> CounsellingEligibility.newBuilder()
                            .setProgramme(p.getProgramme()).setRequested(p.getRequested()).setOutcome(p.getOutcome())
                            // The decision's own sentence quotes the age, salary or dates the profile may leave out.
                            .setSummary(SummaryWithoutValues.of(p)).build()).toList());
                    out.setEligibilityRuleSetVersion(decided.getRuleSetVersion());
                }
            }
        }
        return out.build();
    }
}
