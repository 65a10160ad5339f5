package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import fr.referralhub.avro.EligibilityDecision;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.counselling.SubscriptionDeclaration.EligibilityMatch;
import fr.referralhub.counselling.SubscriptionDeclaration.Match;
import fr.referralhub.eligibility.EligibilityEngine;
import org.junit.jupiter.api.Test;

/** Each criterion of a subscription, on the complete test referral (Ajaccio, 27, LOGEMENT+MOBILITE, Visale eligible). */
class SubscriptionMatchingTest {

    private static final EligibilityEngine ENGINE = EligibilityEngine.withBundledRuleSets();
    private static final ReferralEvent EVENT = Referrals.complete("france-travail-2a").build();
    private static final Supplier<EligibilityDecision> DECISION = () -> ENGINE.decide(EVENT, Instant.now());

    private static boolean matches(Match match) {
        return SubscriptionValidator.validate(new SubscriptionDeclaration("s", "svc", null, match, List.of("HOME"), null))
                .criteria().matches(EVENT, DECISION);
    }

    @Test
    void territoryIsTheDepartementOrTheCommune() {
        assertThat(matches(new Match(List.of("2A"), null, null, null, null, null, null))).isTrue();
        assertThat(matches(new Match(List.of("2B"), List.of("2A004"), null, null, null, null, null))).isTrue();
        assertThat(matches(new Match(List.of("2B", "93"), List.of("2B033"), null, null, null, null, null))).isFalse();
    }

    @Test
    void needsAndProgrammesNeedOneInCommon() {
        assertThat(matches(new Match(List.of("2A"), null, List.of("MOBILITE", "EMPLOI"), null, null, null, null))).isTrue();
        assertThat(matches(new Match(List.of("2A"), null, List.of("EMPLOI"), null, null, null, null))).isFalse();
        assertThat(matches(new Match(List.of("2A"), null, null, List.of("VISALE"), null, null, null))).isTrue();
        assertThat(matches(new Match(List.of("2A"), null, null, List.of("EMILE"), null, null, null))).isFalse();
    }

    @Test
    void eligibilityIsTheEnginesOutcome() {
        assertThat(matches(new Match(List.of("2A"), null, null, null,
                List.of(new EligibilityMatch("VISALE", "ELIGIBLE")), null, null))).isTrue();
        assertThat(matches(new Match(List.of("2A"), null, null, null,
                List.of(new EligibilityMatch("VISALE", "NOT_ELIGIBLE")), null, null))).isFalse();
    }

    @Test
    void ageIsInclusiveAndAnUnknownAgeIsOutsideEveryRange() {
        assertThat(matches(new Match(List.of("2A"), null, null, null, null, 27, 27))).isTrue();
        assertThat(matches(new Match(List.of("2A"), null, null, null, null, 28, null))).isFalse();
        assertThat(matches(new Match(List.of("2A"), null, null, null, null, null, 26))).isFalse();
        ReferralEvent noBirthDate = ReferralEvent.newBuilder(EVENT).build();
        noBirthDate.getPerson().setBirthDate(null);
        assertThat(SubscriptionValidator.validate(new SubscriptionDeclaration("s", "svc", null,
                new Match(List.of("2A"), null, null, null, null, 18, null), List.of("HOME"), null))
                .criteria().matches(noBirthDate, DECISION)).isFalse();
    }

    @Test
    void anUnknownHomeDoesNotMatchATerritory() {
        ReferralEvent nowhere = ReferralEvent.newBuilder(EVENT).build();
        nowhere.getPerson().setHomeDepartement(null);
        nowhere.getPerson().setHomeCommune(null);
        assertThat(SubscriptionValidator.validate(new SubscriptionDeclaration("s", "svc", null,
                new Match(List.of("2A"), null, List.of(Need.LOGEMENT.name()), List.of(Programme.VISALE.name()), null,
                        null, null), List.of("HOME"), null)).criteria().matches(nowhere, DECISION)).isFalse();
    }
}
