package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import fr.referralhub.avro.EligibilityOutcome;
import fr.referralhub.avro.Programme;
import fr.referralhub.counselling.SubscriptionStore;
import fr.referralhub.counselling.webhook.FeedbackWebhookSender;
import fr.referralhub.counselling.webhook.SignedWebhookSender;
import fr.referralhub.counselling.webhook.WebhookSender;
import fr.referralhub.testing.HubProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

/**
 * A freshly started hub already publishes, at 0, every counter its alerts and dashboard use, for every partner,
 * programme, service, subscription and route it knows. Prometheus sees no increase in a counter born at its first
 * event (it has no earlier sample), so without these series EligibilityStalled could not fire after a restart,
 * DeadLettersWritten and SubscriptionDeliveriesFailing would miss the first failure, and panels would show "no data".
 *
 * <p>The hub runs as a child JVM ({@link HubProcess}) on an embedded platform of its own, so nothing another test did
 * is counted; the scrape is the first request after readiness. Consumer lag and stuck partitions come from the broker
 * on a timer: their series are awaited (the timer set to a second), not expected in the first scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAtStartupTest {

    private static final Path DEV_PARTNERS = Path.of("src/main/resources/partners-dev.yaml");
    private static final Path DEV_SERVICES = Path.of("src/main/resources/services-dev.yaml");
    private static final Path DEV_SUBSCRIPTIONS = Path.of("src/main/resources/subscriptions-dev.yaml");
    /** The Camel routes that consume records or files, and the steps that dead-letter outside Camel. */
    private static final List<String> DEAD_LETTERING_ROUTES = List.of("social-landlord-intake",
            "training-body-file-intake", "service-status-intake", "status-feedback", "eligibility-decisions",
            WebhookSender.ROUTE, FeedbackWebhookSender.ROUTE);
    /** Every consumer that checks where the records of a hub topic come from (docs/operators.md, its table). */
    private static final List<String> PROVENANCE_CONSUMERS = List.of("referral-ledger", "referral-timeline",
            "person-aid-history", "intake-answers", "status-feedback", WebhookSender.ROUTE, FeedbackWebhookSender.ROUTE,
            "partner-history", SubscriptionStore.CONSUMER, OperatorAudit.CONSUMER, DeadLetterReplay.CONSUMER,
            "parked-records", "schema-registry");
    /** The Camel routes reading the landlords' and services' own topics, by pattern. */
    private static final String LANDLORD_INTAKE = "social-landlord-intake";
    private static final String STATUS_INTAKE = "service-status-intake";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Path workDir = Path.of("target", "metrics-at-startup", run);
    private HubProcess hub;
    private String scrape;

    @BeforeAll
    void startAFreshHubAndScrapeIt() throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.embedded.kafka.port", "0");
        properties.put("hub.embedded.kafka.controller-port", "0");
        properties.put("hub.embedded.schema-registry.port", "0");
        properties.put("hub.embedded.data-dir", workDir.resolve("data").toAbsolutePath().toString());
        properties.put("hub.intake.file-drops.root", workDir.resolve("drops").toAbsolutePath().toString());
        // A dev partner with a feedback webhook (nothing is sent to it: a fresh hub has no feedback).
        properties.put("HUB_DEV_FEEDBACK_WEBHOOK_URL", "http://127.0.0.1:9/feedback");
        properties.put("spring.jmx.enabled", "false");
        properties.put("camel.main.jmx-enabled", "false");
        properties.put("hub.operations.consumer-lag.refresh", "PT1S");
        hub = HubProcess.start(properties, workDir.resolve("hub.log"), Duration.ofSeconds(120));
        scrape = scrape();
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + hub.port() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.kill();
        }
    }

    @Test
    void shouldCountEveryProgrammeAndOutcomeFromZeroSoThatEligibilityStalledCanFire() {
        for (Programme programme : Programme.values()) {
            for (EligibilityOutcome outcome : EligibilityOutcome.values()) {
                assertThat(value("hub_eligibility_outcomes_total", "programme", programme.name(), "outcome",
                        outcome.name())).isZero();
            }
        }
        for (String partner : enabledDevPartners()) {
            assertThat(value("hub_intake_outcomes_total", "partner", partner, "outcome", "published")).isZero();
            assertThat(value("hub_intake_received_total", "partner", partner)).isZero();
        }
    }

    @Test
    void shouldCountExpiryDeliveriesAndDeadLettersFromZero() {
        for (String partner : enabledDevPartners()) {
            assertThat(value("hub_expiry_reminders_total", "partner", partner)).isZero();
        }
        for (Map<String, Object> service : list(DEV_SERVICES, "services")) {
            assertThat(value("hub_expiry_expirations_total", "service", (String) service.get("id"))).isZero();
        }
        for (Map<String, Object> subscription : list(DEV_SUBSCRIPTIONS, "subscriptions")) {
            assertThat(value("hub_subscription_deliveries_total", "subscription", (String) subscription.get("id"),
                    "result", SignedWebhookSender.DELIVERED)).isZero();
        }
        String partnerWithWebhook = list(DEV_PARTNERS, "partners").stream()
                .filter(p -> p.containsKey("feedback-webhook")).map(p -> (String) p.get("id")).findFirst()
                .orElseThrow();
        for (String result : SignedWebhookSender.RESULTS) {
            assertThat(value("hub_feedback_webhook_deliveries_total", "partner", partnerWithWebhook, "result", result))
                    .isZero();
        }
        for (String route : DEAD_LETTERING_ROUTES) {
            assertThat(value("hub_dead_letters_total", "route", route)).isZero();
        }
    }

    @Test
    void shouldPublishEveryCounterOfTheAlertsAndDashboardAndTheKafkaClientsMetrics() {
        HubMetricNames.ALL.stream().filter(HubMetricNames.Metric::counter)
                .forEach(metric -> assertThat(scrape).as("a series of %s at start-up", metric.prometheusName())
                        .containsPattern("(?m)^" + metric.prometheusName() + "\\{.*} 0(\\.0)?$"));
        assertThat(scrape).as("gauges of the alerts").containsPattern("(?m)^hub_partner_silent\\{")
                .containsPattern("(?m)^hub_eligibility_smic_age_days");
        // The referral state's Kafka Streams client and the consumers and producers of its threads (docs/operators.md).
        assertThat(scrape).containsPattern("(?m)^kafka_stream_").containsPattern("(?m)^kafka_consumer_")
                .containsPattern("(?m)^kafka_producer_");
    }

    @Test
    void shouldCountRecordsRefusedForTheirProvenanceFromZeroForEveryConsumer() {
        // UntrustedRecordsOnHubTopics fires on any increase: the first forged record after a restart must be one.
        for (String consumer : PROVENANCE_CONSUMERS) {
            assertThat(value("hub_provenance_refused_total", "consumer", consumer)).isZero();
        }
    }

    @Test
    void shouldCountParkedRecordsFromZeroForEveryTopicTheRoutesRead() {
        for (String landlord : enabledDevPartnersOfKind("SOCIAL_LANDLORD")) {
            assertThat(value("hub_records_parked_total", "route", LANDLORD_INTAKE, "topic", "intake." + landlord))
                    .isZero();
        }
        for (Map<String, Object> service : list(DEV_SERVICES, "services")) {
            assertThat(value("hub_records_parked_total", "route", STATUS_INTAKE, "topic", "status." + service.get("id")))
                    .isZero();
        }
    }

    @Test
    void shouldShowLagAndStuckTimeOfEveryConsumedTopicBeforeItsFirstRecord() {
        String landlordGroup = "referral-hub-" + LANDLORD_INTAKE;
        String statusGroup = "referral-hub-" + STATUS_INTAKE;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String now = scrape();
            for (String landlord : enabledDevPartnersOfKind("SOCIAL_LANDLORD")) {
                assertThat(valueIn(now, "hub_consumer_lag", "group", landlordGroup, "topic", "intake." + landlord))
                        .isZero();
                assertThat(valueIn(now, "hub_consumer_stuck_seconds", "group", landlordGroup, "topic",
                        "intake." + landlord, "partition", "0")).isZero();
            }
            for (Map<String, Object> service : list(DEV_SERVICES, "services")) {
                assertThat(valueIn(now, "hub_consumer_lag", "group", statusGroup, "topic", "status." + service.get("id")))
                        .isZero();
            }
        });
    }

    @Test
    void shouldCountDeliveriesOfASubscriptionAnOperatorAddsFromZeroAtOnce() throws Exception {
        String id = "metrics-" + run;
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
                        + "/ops/subscriptions/" + id)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"serviceId": "adil-93", "description": "added after start-up", "match": {"departements": ["93"]},
                         "profile": ["HOME"], "delivery": {"mode": "KAFKA"}}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        assertThat(valueIn(scrape(), "hub_subscription_deliveries_total", "subscription", id, "result",
                SignedWebhookSender.DELIVERED)).as("registered when the subscription came in force").isZero();
    }

    /** The value of the one series of this metric with these tag values (others may exist besides them). */
    private double value(String metric, String... tags) {
        return valueIn(scrape, metric, tags);
    }

    /** The same in another scrape than the first. */
    private static double valueIn(String scrape, String metric, String... tags) {
        List<String> lines = new ArrayList<>();
        for (String line : scrape.lines().toList()) {
            if (!line.startsWith(metric + "{")) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < tags.length; i += 2) {
                matches &= line.contains(tags[i] + "=\"" + tags[i + 1] + "\"");
            }
            if (matches) {
                lines.add(line);
            }
        }
        assertThat(lines).as("series of %s with %s at start-up", metric, String.join(",", tags)).isNotEmpty();
        return lines.stream().mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> enabledDevPartnersOfKind(String kind) {
        return list(DEV_PARTNERS, "partners").stream().filter(p -> Boolean.TRUE.equals(p.get("enabled")))
                .filter(p -> kind.equals(p.get("kind"))).map(p -> (String) p.get("id")).toList();
    }

    private static List<String> enabledDevPartners() {
        return list(DEV_PARTNERS, "partners").stream().filter(p -> Boolean.TRUE.equals(p.get("enabled")))
                .map(p -> (String) p.get("id")).toList();
    }

    /** hub.<key> of one of the dev registries. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Path file, String key) {
        try {
            Map<String, Object> hub = (Map<String, Object>) new Yaml().<Map<String, Object>>load(Files.readString(file))
                    .get("hub");
            return (List<Map<String, Object>>) hub.get(key);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
