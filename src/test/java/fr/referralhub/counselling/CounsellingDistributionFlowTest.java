package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.avro.CounsellingReferral;
import fr.referralhub.avro.FeedbackKind;
import fr.referralhub.avro.Need;
import fr.referralhub.avro.PersonProfile;
import fr.referralhub.avro.ReferralEvent;
import fr.referralhub.avro.ReferralEventType;
import fr.referralhub.avro.ReferralFeedback;
import fr.referralhub.schemaregistry.SchemaRegistryProperties;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.testing.HubTest;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The counselling route on the whole hub and a real broker: subscriptions made through the admin API take effect at
 * once; each referral reaches the matching services only, minimised to their profile; a referral whose person was
 * not informed is held (the referrer is told) until an update says otherwise; updates and cancellations follow the
 * referral to every service that has it. Each test works in its own territory, so their subscriptions do not mix.
 */
@HubTest
class CounsellingDistributionFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    SchemaRegistryProperties registry;
    @Autowired
    IntakeSubmissions submissions;
    @Autowired
    MeterRegistry meters;

    CounsellingHub hub;
    /** Makes service and subscription ids unique to this run (the broker's topics outlive a test). */
    String run;

    @BeforeEach
    void connect() {
        hub = new CounsellingHub(port, bootstrapServers, registry, submissions);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    private static String subscription(String serviceId, String match, String profile) {
        return """
                {"serviceId": "%s", "description": "test service", "match": %s, "profile": %s,
                 "delivery": {"mode": "KAFKA"}}""".formatted(serviceId, match, profile);
    }

    private static ReferralEvent in(String commune, String departement, ReferralEvent.Builder builder) {
        ReferralEvent event = builder.build();
        PersonProfile person = PersonProfile.newBuilder(event.getPerson()).setHomeCommune(commune)
                .setHomeDepartement(departement).build();
        event.setPerson(person);
        return event;
    }

    private static String key(ReferralEvent creation) {
        return creation.getPerson().getPersonReference();
    }

    @Test
    void shouldSendAReferralOnlyToTheServicesWhoseSubscriptionMatchesMinimisedToTheirProfile() throws Exception {
        String matchingNeeds = "needs-" + run;
        String matchingEligibility = "visale-" + run;
        hub.subscribe(matchingNeeds, subscription(matchingNeeds,
                "{\"departements\": [\"2A\"], \"needs\": [\"LOGEMENT\"]}", "[\"HOME\", \"AGE\", \"NEEDS\"]"));
        hub.subscribe(matchingEligibility, subscription(matchingEligibility,
                "{\"communes\": [\"2A004\"], \"programmes\": [\"VISALE\"], \"minAge\": 18, \"maxAge\": 30,"
                        + " \"eligibility\": [{\"programme\": \"VISALE\", \"outcome\": \"ELIGIBLE\"}]}",
                "[\"REFERRER\", \"ELIGIBILITY\"]"));
        List<String> notMatching = List.of("territory-" + run, "need-" + run, "programme-" + run, "outcome-" + run,
                "age-" + run);
        hub.subscribe(notMatching.get(0), subscription(notMatching.get(0), "{\"departements\": [\"2B\"]}", "[\"HOME\"]"));
        hub.subscribe(notMatching.get(1), subscription(notMatching.get(1),
                "{\"departements\": [\"2A\"], \"needs\": [\"EMPLOI\"]}", "[\"HOME\"]"));
        hub.subscribe(notMatching.get(2), subscription(notMatching.get(2),
                "{\"departements\": [\"2A\"], \"programmes\": [\"EMILE\"]}", "[\"HOME\"]"));
        hub.subscribe(notMatching.get(3), subscription(notMatching.get(3),
                "{\"departements\": [\"2A\"], \"eligibility\": [{\"programme\": \"VISALE\", \"outcome\": \"NOT_ELIGIBLE\"}]}",
                "[\"HOME\"]"));
        hub.subscribe(notMatching.get(4), subscription(notMatching.get(4),
                "{\"departements\": [\"2A\"], \"minAge\": 28}", "[\"HOME\"]"));

        ReferralEvent referral = Referrals.complete("france-travail-93").build();
        hub.publish(referral, key(referral));

        CounsellingReferral byNeeds = hub.<CounsellingReferral>awaitRecords("counselling." + matchingNeeds,
                referral.getReferralId(), 1).get(0);
        assertThat(byNeeds.getEventType()).isEqualTo(ReferralEventType.CREATED);
        assertThat(byNeeds.getSubscriptionId()).isEqualTo(matchingNeeds);
        assertThat(byNeeds.getProfile()).containsExactly("AGE", "HOME", "NEEDS");
        assertThat(byNeeds.getHomeCommune()).isEqualTo("2A004");
        assertThat(byNeeds.getAge()).isEqualTo(27);
        assertThat(byNeeds.getNeeds()).containsExactly(Need.LOGEMENT, Need.MOBILITE);
        assertOnlyProfileFields(byNeeds);

        CounsellingReferral byEligibility = hub.<CounsellingReferral>awaitRecords("counselling." + matchingEligibility,
                referral.getReferralId(), 1).get(0);
        assertThat(byEligibility.getReferrer().getStructureCode()).isEqualTo("FT-2A-AJACCIO");
        assertThat(byEligibility.getEligibility()).anySatisfy(p ->
                assertThat(p.getOutcome()).hasToString("ELIGIBLE"));
        assertOnlyProfileFields(byEligibility);

        ConsumerRecord<String, byte[]> raw = hub.recordsOf("counselling." + matchingNeeds, referral.getReferralId()).get(0);
        assertThat(TopicReader.header(raw, RecordHeaders.REFERRAL_ID)).isEqualTo(referral.getReferralId());
        assertThat(TopicReader.header(raw, RecordHeaders.EVENT_ID)).isEqualTo(referral.getEventId());
        assertThat(TopicReader.header(raw, CounsellingDistribution.SUBSCRIPTION_ID)).isEqualTo(matchingNeeds);
        assertThat(new String(raw.value(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("no person reference outside the PERSON_REFERENCE profile").doesNotContain("PSEUDO-");

        // Everything routed for the referral was committed with its acceptance.
        for (String service : notMatching) {
            assertThat(hub.recordsOf("counselling." + service, referral.getReferralId())).as(service).isEmpty();
        }
        assertThat(meters.counter("hub.subscription.deliveries", "subscription", matchingNeeds, "result", "delivered")
                .count()).isEqualTo(1.0);
    }

    /** A field outside the record's profile is null: the service gets nothing it did not subscribe to see. */
    private static void assertOnlyProfileFields(CounsellingReferral record) {
        List<String> allowed = record.getProfile().stream()
                .flatMap(group -> CounsellingField.valueOf(group).avroFields().stream()).toList();
        for (var field : CounsellingReferral.getClassSchema().getFields()) {
            if (!CounsellingField.ENVELOPE.contains(field.name()) && !allowed.contains(field.name())) {
                assertThat(record.get(field.name())).as("%s outside the profile %s", field.name(), record.getProfile())
                        .isNull();
            }
        }
    }

    @Test
    void shouldHoldAReferralWhosePersonWasNotInformedTellTheReferrerAndReleaseItOnUpdate() throws Exception {
        String service = "consent-" + run;
        // A partner of the registry (partners-dev.yaml): the referral state decides no other's events.
        String partner = "france-travail-93";
        hub.subscribe(service, subscription(service, "{\"departements\": [\"971\"]}", "[\"HOME\"]"));

        ReferralEvent creation = in("97105", "971", Referrals.complete(partner).setPersonInformed(false)
                .setPersonInformedOn(null));
        hub.publish(creation, key(creation));

        ReferralFeedback feedback = hub.awaitFeedback(partner, creation.getReferralId(), 1).get(0);
        assertThat(feedback.getKind()).isEqualTo(FeedbackKind.HELD_NOT_INFORMED);
        assertThat(feedback.getReferralId()).isEqualTo(creation.getReferralId());
        assertThat(feedback.getPartnerEventId()).isEqualTo(creation.getSource().getPartnerEventId());
        assertThat(feedback.getEventId()).isEqualTo(creation.getEventId());
        assertThat(feedback.getReasonCode()).isEqualTo("PERSON_NOT_INFORMED");
        assertThat(feedback.getReasonText()).contains("pas été informée");
        assertThat(hub.recordsOf("counselling." + service, creation.getReferralId())).as("held").isEmpty();

        ReferralEvent informed = Referrals.updateOf(creation).setPersonInformed(true)
                .setPersonInformedOn(Referrals.APPLIED_ON).build();
        hub.publish(informed, key(creation));

        CounsellingReferral released = hub.<CounsellingReferral>awaitRecords("counselling." + service,
                creation.getReferralId(), 1).get(0);
        assertThat(released.getEventId()).isEqualTo(informed.getEventId());
        assertThat(released.getEventType()).as("the service's first sight of the referral").isEqualTo(ReferralEventType.CREATED);
        // No second hold; the release is the service's first delivery: the referrer learns where it went.
        assertThat(hub.awaitFeedback(partner, creation.getReferralId(), 2))
                .extracting(ReferralFeedback::getKind)
                .containsExactly(FeedbackKind.HELD_NOT_INFORMED, FeedbackKind.DELIVERED);
    }

    @Test
    void shouldSendUpdatesAndTheCancellationToEveryServiceThatHasTheReferralEvenWhenItNoLongerMatches() throws Exception {
        String housing = "housing-" + run;
        String territory = "territory-" + run;
        String employment = "employment-" + run;
        hub.subscribe(housing, subscription(housing, "{\"departements\": [\"972\"], \"needs\": [\"LOGEMENT\"]}",
                "[\"NEEDS\"]"));
        hub.subscribe(territory, subscription(territory, "{\"communes\": [\"97209\"]}", "[\"HOME\"]"));
        hub.subscribe(employment, subscription(employment, "{\"departements\": [\"972\"], \"needs\": [\"EMPLOI\"]}",
                "[\"NEEDS\"]"));

        ReferralEvent creation = in("97209", "972", Referrals.complete("france-travail-93"));
        hub.publish(creation, key(creation));
        hub.awaitRecords("counselling." + housing, creation.getReferralId(), 1);
        hub.awaitRecords("counselling." + territory, creation.getReferralId(), 1);

        // Moved to another commune, and the need is now employment: only the employment service matches now.
        ReferralEvent update = in("97213", "972", Referrals.updateOf(creation).setNeeds(List.of(Need.EMPLOI)));
        hub.publish(update, key(creation));
        ReferralEvent cancellation = Referrals.cancellationOf(creation);
        hub.publish(cancellation, key(creation));

        List<CounsellingReferral> toHousing = hub.awaitRecords("counselling." + housing, creation.getReferralId(), 3);
        assertThat(toHousing).extracting(CounsellingReferral::getEventType).containsExactly(ReferralEventType.CREATED,
                ReferralEventType.UPDATED, ReferralEventType.CANCELLED);
        assertThat(toHousing.get(1).getNeeds()).containsExactly(Need.EMPLOI);
        assertThat(toHousing.get(2).getCancellationReason()).isEqualTo("DOUBLON");
        assertThat(toHousing.get(2).getNeeds()).as("a cancellation names the referral only").isNull();

        List<CounsellingReferral> toTerritory = hub.awaitRecords("counselling." + territory, creation.getReferralId(), 3);
        assertThat(toTerritory.get(1).getHomeCommune()).isEqualTo("97213");
        assertThat(toTerritory.get(2).getEventType()).isEqualTo(ReferralEventType.CANCELLED);

        List<CounsellingReferral> toEmployment = hub.awaitRecords("counselling." + employment, creation.getReferralId(), 2);
        assertThat(toEmployment).extracting(CounsellingReferral::getEventType)
                .as("first seen at the update, then cancelled")
                .containsExactly(ReferralEventType.CREATED, ReferralEventType.CANCELLED);
    }

    @Test
    void shouldLeaveAReferralWithItsServiceWhenAnOperatorPointsTheSubscriptionAtAnother() throws Exception {
        String subscriptionId = "repointed-" + run;
        String first = "first-" + run;
        String second = "second-" + run;
        String match = "{\"communes\": [\"97209\"]}";
        hub.subscribe(subscriptionId, subscription(first, match, "[\"HOME\"]"));
        ReferralEvent creation = in("97209", "972", Referrals.complete("france-travail-93"));
        hub.publish(creation, key(creation));
        hub.awaitRecords("counselling." + first, creation.getReferralId(), 1);

        // Now the second service's, by webhook: its URL must not get what was the first service's.
        try (WebhookReceiver receiver = WebhookReceiver.answering(attempt -> 200)) {
            hub.subscribe(subscriptionId, """
                    {"serviceId": "%s", "description": "test service", "match": %s, "profile": ["HOME"],
                     "delivery": {"mode": "WEBHOOK", "url": "%s", "secretRef": "dev-webhook"}}"""
                    .formatted(second, match, receiver.url()));
            hub.publish(in("97209", "972", Referrals.updateOf(creation)), key(creation));
            hub.publish(Referrals.cancellationOf(creation), key(creation));
            ReferralEvent later = in("97209", "972", Referrals.complete("france-travail-93"));
            hub.publish(later, key(later));

            // The first service keeps it, as for a deleted subscription: no profile says what it may see of the
            // update, the cancellation reaches it. The second gets the referrals routed after the change only.
            List<CounsellingReferral> toFirst = hub.awaitRecords("counselling." + first, creation.getReferralId(), 2);
            assertThat(toFirst).extracting(CounsellingReferral::getEventType)
                    .containsExactly(ReferralEventType.CREATED, ReferralEventType.CANCELLED);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
                    .anyMatch(r -> new String(r.body(), StandardCharsets.UTF_8).contains(later.getReferralId())));
            assertThat(receiver.received()).noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8)
                    .contains(creation.getReferralId()));
        }
    }

    @Test
    void shouldTellTheReferrerOnceWhereItsReferralWentAtEachServicesFirstDelivery() throws Exception {
        // A partner of the registry (partners-dev.yaml): the referral state decides no other's events.
        String partner = "france-travail-93";
        String first = "first-" + run;
        String later = "later-" + run;
        hub.subscribe(first, subscription(first, "{\"communes\": [\"97411\"]}", "[\"HOME\"]"));
        hub.subscribe(later, subscription(later, "{\"communes\": [\"97422\"]}", "[\"HOME\"]"));

        ReferralEvent creation = in("97411", "974", Referrals.complete(partner));
        hub.publish(creation, key(creation));
        ReferralFeedback delivered = hub.awaitFeedback(partner, creation.getReferralId(), 1).get(0);
        assertThat(delivered.getKind()).isEqualTo(FeedbackKind.DELIVERED);
        assertThat(delivered.getServiceId()).isEqualTo(first);
        assertThat(delivered.getReasonText()).startsWith("Orientation transmise au service d'accompagnement")
                .contains(first);
        assertThat(delivered.getPartnerEventId()).isEqualTo(creation.getSource().getPartnerEventId());
        assertThat(delivered.getEventId()).isEqualTo(creation.getEventId());
        // Derived from the delivery (event and subscription): a batch consumed again sends the same id.
        assertThat(delivered.getFeedbackId()).isEqualTo(DeliveredFeedback.feedbackId(
                CounsellingProjection.deliveryIdFor(creation.getEventId(), first)));

        // Moved: the second service gets it first at the update (CREATED for it), the first one an UPDATED; then
        // both get the cancellation. Only the second service's first delivery is news for the referrer.
        ReferralEvent update = in("97422", "974", Referrals.updateOf(creation));
        hub.publish(update, key(creation));
        hub.publish(Referrals.cancellationOf(creation), key(creation));
        hub.awaitRecords("counselling." + first, creation.getReferralId(), 3);

        List<ReferralFeedback> feedback = hub.awaitFeedback(partner, creation.getReferralId(), 2);
        assertThat(feedback).extracting(ReferralFeedback::getKind).containsOnly(FeedbackKind.DELIVERED);
        assertThat(feedback).extracting(ReferralFeedback::getServiceId).containsExactly(first, later);
        assertThat(feedback.get(1).getEventId()).isEqualTo(update.getEventId());
        assertThat(feedback.get(1).getPartnerEventId()).isEqualTo(update.getSource().getPartnerEventId());
        ConsumerRecord<String, byte[]> raw = hub.recordsOf("feedback." + partner, creation.getReferralId()).get(1);
        assertThat(TopicReader.header(raw, RecordHeaders.PARTNER_ID)).isEqualTo(partner);
    }

    @Test
    void shouldSayWhenAnOperatorsVersionStandsInForTheConfigurationsAndRestoreIt() throws Exception {
        String configured = "cllaj-lyon-jeunes"; // declared by the dev profile's subscriptions-dev.yaml
        JsonNode fromConfiguration = JSON.readTree(hub.get(configured).body());
        assertThat(fromConfiguration.get("origin").asText()).isEqualTo("CONFIGURATION");
        assertThat(fromConfiguration.get("overridesConfiguration").asBoolean()).isFalse();
        assertThat(fromConfiguration.has("note")).isFalse();
        // The same matching and profile (other tests' referrals are routed as before), another description.
        JsonNode declaration = fromConfiguration.get("subscription").deepCopy();
        ((ObjectNode) declaration).put("description", "changed by " + run);
        try {
            HttpResponse<String> replaced = hub.put(configured, JSON.writeValueAsString(declaration));

            assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(replaced.body());
            assertThat(answer.get("origin").asText()).isEqualTo("OPERATOR");
            assertThat(answer.get("overridesConfiguration").asBoolean()).isTrue();
            assertThat(answer.get("note").asText()).contains("hub.subscriptions declares " + configured,
                    "configuration changes to it are ignored", "/ops/subscriptions/" + configured
                            + "/restore-configuration");
            assertThat(JSON.readTree(hub.get(configured).body()).get("overridesConfiguration").asBoolean()).isTrue();

            // Deleted by an operator, it stays away from the configuration's seeding too; the 404 says how back.
            assertThat(hub.delete(configured).statusCode()).isEqualTo(204);
            HttpResponse<String> gone = hub.get(configured);
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(gone.body()).get("detail").asText()).contains("restore-configuration");
        } finally {
            HttpResponse<String> restored = hub.restoreConfiguration(configured);

            assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
            JsonNode answer = JSON.readTree(restored.body());
            assertThat(answer.get("origin").asText()).isEqualTo("CONFIGURATION");
            assertThat(answer.get("overridesConfiguration").asBoolean()).isFalse();
            assertThat(answer.get("subscription")).isEqualTo(fromConfiguration.get("subscription"));
            assertThat(answer.get("updatedBy").asText()).as("who restored it").isEqualTo("dev-anonymous");
        }
        assertThat(JSON.readTree(hub.get(configured).body()).get("subscription"))
                .isEqualTo(fromConfiguration.get("subscription"));

        String notConfigured = "api-" + run;
        assertThat(hub.restoreConfiguration(notConfigured).statusCode()).isEqualTo(404);
        HttpResponse<String> created = hub.put(notConfigured, subscription(notConfigured, "{\"departements\": [\"976\"]}",
                "[\"HOME\"]"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("overridesConfiguration").asBoolean()).isFalse();
        assertThat(hub.delete(notConfigured).statusCode()).isEqualTo(204);
    }

    @Test
    void shouldManageSubscriptionsThroughTheAdminApiWithFieldLevelReasons() throws Exception {
        String id = "api-" + run;

        HttpResponse<String> invalid = hub.put(id, subscription("API Service",
                "{\"departements\": [\"2A\", \"9A\"], \"needs\": [\"LOGMENT\"], \"minAge\": 30, \"maxAge\": 18}",
                "[\"HOME\"]"));
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(invalid.body());
        assertThat(problem.get("status").asInt()).isEqualTo(422);
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactly("serviceId",
                "match.departements[1]", "match.needs[0]", "match.maxAge");
        assertThat(problem.get("errors").get(1).get("reason").asText()).contains("INSEE departement");
        assertThat(hub.get(id).statusCode()).as("nothing stored").isEqualTo(404);

        HttpResponse<String> unknownField = hub.put(id, "{\"serviceId\": \"svc\", \"match\": {\"departement\": [\"2A\"]},"
                + " \"profile\": [\"HOME\"]}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownField.body()).get("errors").get(0).get("field").asText())
                .isEqualTo("match.departement");

        HttpResponse<String> otherId = hub.put(id, "{\"id\": \"another\", \"serviceId\": \"svc\"}");
        assertThat(otherId.statusCode()).isEqualTo(422);

        String valid = subscription(id, "{\"departements\": [\"974\"]}", "[\"HOME\"]");
        assertThat(hub.put(id, valid).statusCode()).isEqualTo(201);
        assertThat(hub.put(id, valid).statusCode()).as("replaced").isEqualTo(200);
        JsonNode stored = JSON.readTree(hub.get(id).body());
        assertThat(stored.at("/subscription/serviceId").asText()).isEqualTo(id);
        assertThat(stored.get("origin").asText()).isEqualTo("OPERATOR");
        assertThat(stored.get("updatedBy").asText()).isEqualTo("dev-anonymous");
        assertThat(JSON.readTree(hub.get(null).body()).findValuesAsText("origin")).contains("CONFIGURATION");

        assertThat(hub.delete(id).statusCode()).isEqualTo(204);
        assertThat(hub.get(id).statusCode()).isEqualTo(404);
        assertThat(hub.delete(id).statusCode()).isEqualTo(404);

        // Deleted means out of force at once: a referral of its territory reaches no one.
        ReferralEvent referral = in("97411", "974", Referrals.complete("france-travail-93"));
        hub.publish(referral, key(referral));
        assertThat(hub.recordsOf("counselling." + id, referral.getReferralId())).isEmpty();
    }
}
