package fr.referralhub.counselling;

import java.util.List;

/**
 * What a subscription's profile may let a counselling service see: groups of fields of
 * {@code schemas/CounsellingReferral.avsc}. A service gets only the groups its profile lists (data minimisation); the
 * ids and the envelope ({@link #ENVELOPE}) are always there and hold no personal data.
 */
public enum CounsellingField {

    /** The person's pseudonym: links referrals of the same person, identifies nobody outside the hub. */
    PERSON_REFERENCE("personReference"),
    /** Referring partner and structure, to call the referrer back. */
    REFERRER("referrer"),
    HOME("homeCommune", "homeDepartement"),
    /** Age in years on the referral's date: what most services need, instead of the birth date. */
    AGE("age"),
    BIRTH_DATE("birthDate"),
    HOUSING("housingSituation"),
    WORK_PERMIT("workPermit"),
    EMPLOYMENT("employmentStatus", "inEducationOrTraining", "contractType", "employerSector", "contractStartDate",
            "contractEndDate"),
    SALARY("grossMonthlySalaryCents", "netMonthlySalaryCents"),
    WORKPLACE("workplaceCommune", "homeToWorkDistanceKm"),
    TARGET_HOUSING("targetHousingCommune", "targetHousingDepartement", "monthlyRentCents", "doubleRent"),
    NEEDS("needs"),
    PROGRAMMES("requestedProgrammes"),
    DESIRED_DEPARTEMENTS("desiredDepartements"),
    ELIGIBILITY("eligibility", "eligibilityRuleSetVersion");

    /** Fields of every record whatever the profile: ids, what happened and when, and which groups are shared. */
    public static final List<String> ENVELOPE = List.of("deliveryId", "subscriptionId", "referralId", "eventId",
            "eventType", "occurredAt", "profile", "cancellationReason", "notice");

    private final List<String> avroFields;

    CounsellingField(String... avroFields) {
        this.avroFields = List.of(avroFields);
    }

    /** The fields of {@code CounsellingReferral} this group fills. */
    public List<String> avroFields() {
        return avroFields;
    }
}
