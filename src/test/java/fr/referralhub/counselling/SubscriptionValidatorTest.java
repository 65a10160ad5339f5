package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import java.util.List;

import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.counselling.SubscriptionDeclaration.Delivery;
import fr.referralhub.counselling.SubscriptionDeclaration.EligibilityMatch;
import fr.referralhub.counselling.SubscriptionDeclaration.Match;
import fr.referralhub.intake.FieldError;
import org.junit.jupiter.api.Test;

/** Every wrong field of a subscription gets its own reason, named as the operator wrote it. */
class SubscriptionValidatorTest {

    private static SubscriptionDeclaration declaration(Match match, List<String> profile, Delivery delivery) {
        return new SubscriptionDeclaration("adil-2a", "adil-2a", "ADIL de Corse-du-Sud", match, profile, delivery);
    }

    @Test
    void shouldAcceptAFullSubscriptionAndKnowEveryCode() {
        Subscription subscription = SubscriptionValidator.validate(declaration(
                new Match(List.of("2A", "971"), List.of("2B033"), List.of("LOGEMENT"), List.of("VISALE"),
                        List.of(new EligibilityMatch("VISALE", "ELIGIBLE")), 18, 30),
                List.of("HOME", "AGE"), null));

        assertThat(subscription.criteria().departements()).containsExactlyInAnyOrder("2A", "971");
        assertThat(subscription.criteria().needs()).containsExactly(Need.LOGEMENT);
        assertThat(subscription.criteria().programmes()).containsExactly(Programme.VISALE);
        assertThat(subscription.criteria().eligibility())
                .containsExactly(new Subscription.EligibilityCriterion(Programme.VISALE, EligibilityOutcome.ELIGIBLE));
        assertThat(subscription.profile()).containsExactlyInAnyOrder(CounsellingField.HOME, CounsellingField.AGE);
        assertThat(subscription.deliveryMode()).as("KAFKA when not said").isEqualTo(Subscription.DeliveryMode.KAFKA);
    }

    @Test
    void shouldGiveOneReasonPerWrongField() {
        SubscriptionDeclaration wrong = new SubscriptionDeclaration("ADIL 2A", null, null,
                new Match(List.of("2A", "20", "99"), List.of("20004"), List.of("LOGMENT", "SANTE"), List.of("VISAL"),
                        List.of(new EligibilityMatch("VISALE", "OK")), 30, 18),
                List.of("HOME", "NIR"), new Delivery("SMS"));

        assertThatThrownBy(() -> SubscriptionValidator.validate(wrong))
                .isInstanceOf(InvalidSubscriptionException.class)
                .extracting(e -> ((InvalidSubscriptionException) e).errors(), list(FieldError.class))
                .extracting(FieldError::field)
                .containsExactly("id", "serviceId", "match.departements[1]", "match.departements[2]",
                        "match.communes[0]", "match.needs[0]", "match.needs", "match.programmes[0]",
                        "match.eligibility[0].outcome", "match.maxAge", "profile[1]", "delivery.mode");
    }

    @Test
    void shouldExplainEachReason() {
        InvalidSubscriptionException e = invalid(declaration(
                new Match(List.of("9A"), null, List.of("LOGMENT"), null, null, 40, 25), List.of("HOME"), null));

        assertThat(e.errors()).containsExactly(
                new FieldError("match.departements[0]", "'9A' is not an INSEE departement code (e.g. 93, 2A, 971)"),
                new FieldError("match.needs[0]",
                        "unknown value 'LOGMENT', expected one of [LOGEMENT, MOBILITE, EMPLOI, FORMATION, SANTE]"),
                new FieldError("match.maxAge", "smaller than minAge (40): the age range is inverted"));
    }

    @Test
    void shouldRequireATerritoryAProfileAndRefuseWebhooksForNow() {
        InvalidSubscriptionException e = invalid(declaration(
                new Match(List.of(), List.of(), List.of("LOGEMENT"), null, null, null, null), List.of(),
                new Delivery("WEBHOOK")));

        assertThat(e.errors()).extracting(FieldError::field)
                .containsExactly("match.departements", "profile", "delivery.mode");
        assertThat(e.errors().get(2).reason()).contains("not available yet");
    }

    private static InvalidSubscriptionException invalid(SubscriptionDeclaration declaration) {
        try {
            SubscriptionValidator.validate(declaration);
        } catch (InvalidSubscriptionException e) {
            return e;
        }
        throw new AssertionError("accepted: " + declaration);
    }
}
