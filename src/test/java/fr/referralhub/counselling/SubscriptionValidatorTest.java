package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import java.util.List;

import fr.referralhub.api.FieldError;
import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.Programme;
import fr.referralhub.counselling.SubscriptionDeclaration.Delivery;
import fr.referralhub.counselling.SubscriptionDeclaration.EligibilityMatch;
import fr.referralhub.counselling.SubscriptionDeclaration.Match;
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
                List.of("HOME", "NIR"), new Delivery("SMS", null, null));

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
    void shouldRequireATerritoryAProfileAndAWebhookUrlAndSecretName() {
        InvalidSubscriptionException e = invalid(declaration(
                new Match(List.of(), List.of(), List.of("LOGEMENT"), null, null, null, null), List.of(),
                new Delivery("WEBHOOK", null, null)));

        assertThat(e.errors()).extracting(FieldError::field)
                .containsExactly("match.departements", "profile", "delivery.url", "delivery.secretRef");
        assertThat(e.errors().get(2).reason()).contains("https URL");
    }

    @Test
    void shouldAcceptAnHttpsWebhookWithASecretNameAndHttpOnlyToLocalhostWhereAllowed() {
        Match match = new Match(List.of("2A"), null, null, null, null, null, null);
        Subscription webhook = SubscriptionValidator.validate(declaration(match, List.of("HOME"),
                new Delivery("WEBHOOK", "https://adil.example/referrals", "adil-2a")));
        assertThat(webhook.deliveryMode()).isEqualTo(Subscription.DeliveryMode.WEBHOOK);

        Subscription local = SubscriptionValidator.validate(declaration(match, List.of("HOME"),
                new Delivery("WEBHOOK", "http://127.0.0.1:8089/hook", "adil-2a")), true);
        assertThat(local.deliveryMode()).isEqualTo(Subscription.DeliveryMode.WEBHOOK);

        assertThat(invalid(declaration(match, List.of("HOME"),
                new Delivery("WEBHOOK", "http://127.0.0.1:8089/hook", "adil-2a"))).errors())
                .containsExactly(new FieldError("delivery.url", "https required: referrals hold personal data and cross the network"));
    }

    @Test
    void shouldRefuseAPlainHttpRemoteWebhookCredentialsInTheUrlAndASecretInPlaceOfItsName() {
        Match match = new Match(List.of("2A"), null, null, null, null, null, null);
        InvalidSubscriptionException remote = assertThrowsInvalid(declaration(match, List.of("HOME"),
                new Delivery("WEBHOOK", "http://adil.example/hook", "Zm9vYmFyYmF6cXV4IHNlY3JldA==")), true);
        assertThat(remote.errors()).extracting(FieldError::field).containsExactly("delivery.url", "delivery.secretRef");
        assertThat(remote.errors().get(0).reason()).contains("plain http only to localhost");
        assertThat(remote.errors().get(1).reason()).contains("not the secret itself");

        InvalidSubscriptionException credentials = assertThrowsInvalid(declaration(match, List.of("HOME"),
                new Delivery("WEBHOOK", "https://user:pass@adil.example/hook", "adil-2a")), false);
        assertThat(credentials.errors()).extracting(FieldError::reason).singleElement().asString()
                .contains("must not hold credentials");

        InvalidSubscriptionException kafkaWithUrl = assertThrowsInvalid(declaration(match, List.of("HOME"),
                new Delivery("KAFKA", "https://adil.example/hook", null)), false);
        assertThat(kafkaWithUrl.errors()).extracting(FieldError::field).containsExactly("delivery.url");
    }

    private static InvalidSubscriptionException assertThrowsInvalid(SubscriptionDeclaration declaration,
                                                                    boolean allowHttpLocalhost) {
        try {
            SubscriptionValidator.validate(declaration, allowHttpLocalhost);
        } catch (InvalidSubscriptionException e) {
            return e;
        }
        throw new AssertionError("expected the subscription to be refused");
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
