package fr.referralhub.counselling;

import java.time.LocalDate;
import java.time.Period;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.eligibility.EligibilityEngine;

/**
 * A counselling service's checked subscription: which referrals it gets ({@link Criteria}), which fields of them
 * ({@code profile}) and how ({@code deliveryMode}). Built by {@link SubscriptionValidator} from a
 * {@link SubscriptionDeclaration}, so every code in it is known.
 */
public record Subscription(String id, String serviceId, String description, Criteria criteria,
                           Set<CounsellingField> profile, DeliveryMode deliveryMode, SubscriptionDeclaration declaration) {

    /** How the service receives its referrals. Only KAFKA is built; WEBHOOK is the next delivery mode of issue 6. */
    public enum DeliveryMode { KAFKA, WEBHOOK }

    /** A programme outcome a subscription asks for. */
    public record EligibilityCriterion(Programme programme, EligibilityOutcome outcome) {
    }

    /**
     * Every non-empty criterion must hold (AND); within a list, one value is enough (OR). Territory is one
     * criterion: the home departement is one of {@code departements}, or the home commune one of {@code communes}.
     */
    public record Criteria(Set<String> departements, Set<String> communes, Set<Need> needs, Set<Programme> programmes,
                           List<EligibilityCriterion> eligibility, Integer minAge, Integer maxAge) {

        /** Whether matching needs the eligibility decision (computed only then: it is the costly part). */
        public boolean needsEligibility() {
            return !eligibility.isEmpty();
        }

        /**
         * @param event    a CREATED or UPDATED referral event, with its person
         * @param decision the event's eligibility decision, asked for only when a criterion needs it; null when it
         *                 cannot be decided (then no eligibility criterion matches)
         */
        public boolean matches(ReferralEvent event, Supplier<EligibilityDecision> decision) {
            PersonProfile person = event.getPerson();
            if (person == null) {
                return false;
            }
            boolean territory = (departements.isEmpty() && communes.isEmpty())
                    || departements.contains(person.getHomeDepartement()) || communes.contains(person.getHomeCommune());
            if (!territory) {
                return false;
            }
            if (!needs.isEmpty() && Collections.disjoint(needs, event.getNeeds())) {
                return false;
            }
            if (!programmes.isEmpty() && Collections.disjoint(programmes, event.getRequestedProgrammes())) {
                return false;
            }
            if (minAge != null || maxAge != null) {
                Integer age = ageOf(event);
                // An unknown age cannot be in a range: the service asked for ages it can help.
                if (age == null || (minAge != null && age < minAge) || (maxAge != null && age > maxAge)) {
                    return false;
                }
            }
            if (!eligibility.isEmpty()) {
                EligibilityDecision decided = decision.get();
                return decided != null && decided.getProgrammes().stream().anyMatch(p -> eligibility.stream().anyMatch(wanted ->
                        wanted.programme() == p.getProgramme() && wanted.outcome() == p.getOutcome()));
            }
            return true;
        }
    }

    /** Age in whole years on the referral's date (the day its partner event happened, in France), as the rules count it. */
    public static Integer ageOf(ReferralEvent event) {
        LocalDate birthDate = event.getPerson() == null ? null : event.getPerson().getBirthDate();
        if (birthDate == null) {
            return null;
        }
        return Period.between(birthDate, EligibilityEngine.applicationDate(event)).getYears();
    }
}
