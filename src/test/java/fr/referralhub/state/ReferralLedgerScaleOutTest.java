package fr.referralhub.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.schemaregistry.AvroDeserializer;
import fr.referralhub.testing.HubProcess;
import fr.referralhub.testing.PartnerApi;
import fr.referralhub.testing.Samples;
import fr.referralhub.testing.SharedKafka;
import fr.referralhub.testing.TopicReader;
import fr.referralhub.topics.RecordHeaders;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The referral state across hub instances, on a real broker: three hub processes of one referral-state application
 * receive the same partner events at the same instant on two of them; one is killed with SIGKILL while partners keep
 * sending to another, and comes back. Each partner event must give exactly one record on the referrals topic, and
 * both callers of a pair must learn the same referral id, one told ACCEPTED and the other ALREADY_RECEIVED. Timeline
 * reads and status reports sent to any instance get the same answers, whichever instance owns the referral. Landlord
 * records sent twice and one CSV file dropped in every instance's folder at once are published once each too.
 *
 * <p>Reminders and expiry run on real time here (after 45 and 90 seconds), so those of the first referrals fall due
 * while partitions move after the kill: each referral is delivered once to each matching subscription, reminded once
 * and expired once at each service, whichever instance owned it when.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferralLedgerScaleOutTest {

    private static final int PAIRS = 30;
    /** The instances running when the file is dropped. */
    private static final List<String> DROP_FOLDERS = List.of("a", "b2", "c");
    /** Where France Travail 93's sample referral goes (dev subscriptions adil-93-logement and action-logement-idf-visale). */
    private static final List<String> SERVICES = List.of("adil-93", "action-logement-idf");
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String bootstrapServers = SharedKafka.bootstrapServers();
    private final String referralsTopic = "referrals.scale-" + run;
    private final String statusChanges = "referral-status-changes.scale-" + run;
    private final String feedback = "feedback.scale-" + run + "-france-travail-93";
    private final Path workDir = Path.of("target", "scale-out", run);
    private final int registryPort = SharedKafka.freePort();
    private final String sample = Samples.text("employment-agency/ft-orientation-mobili-jeune.json");
    private final List<HubProcess> hubs = new ArrayList<>();

    @AfterAll
    void stopHubs() {
        hubs.forEach(HubProcess::kill);
    }

    @Test
    void shouldPublishEachPartnerEventOnceWhateverInstanceReceivesItAndWhenOneIsKilled() throws Exception {
        HubProcess a = startHub("a", true);
        HubProcess b = startHub("b", false);
        HubProcess c = startHub("c", false);

        List<String> sent = new ArrayList<>();
        List<String> firstPhase = postPairs(a, b, "first");
        sent.addAll(firstPhase);

        b.kill();
        // Partners keep sending to an instance left; until the group gives the dead one's partitions to the others
        // they are told to retry (503), as a partner's client would.
        sent.addAll(postUntilAccepted(c, "alone", PAIRS));

        HubProcess b2 = startHub("b2", false);
        sent.addAll(postPairs(a, b2, "again"));
        // Re-sends of the first events after the restart are still recognised, on either instance.
        for (int i = 0; i < 5; i++) {
            JsonNode answer = accepted(post(i % 2 == 0 ? a : b2, eventId("first", i)));
            assertThat(answer.get("status").asText()).isEqualTo("ALREADY_RECEIVED");
        }

        // The other channels, with both instances up: each landlord record on the intake topic twice (whichever
        // instance consumes it), and one CSV file dropped in both instances' folders at the same moment.
        sent.addAll(sendXmlTwice("xml", 20));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(eventId("csv", i));
        }
        dropCsvInEach(rows);
        sent.addAll(rows);
        await("every event of every channel on the referrals topic").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> publishedIds().containsAll(sent));
        int acceptedRows = 0;
        int duplicateRows = 0;
        for (String hub : DROP_FOLDERS) {
            JsonNode report = await("report of the file dropped on " + hub).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> report(hub), java.util.Objects::nonNull);
            acceptedRows += report.get("accepted").asInt();
            duplicateRows += report.get("duplicates").asInt();
        }
        assertThat(acceptedRows).as("rows published, over both instances' reports").isEqualTo(rows.size());
        assertThat(duplicateRows).as("rows found duplicates, over every instance's report")
                .isEqualTo((DROP_FOLDERS.size() - 1) * rows.size());

        // Reads and status reports land on either instance; what the referral state knows is answered by the owner.
        for (int i = 0; i < 6; i++) {
            HubProcess one = List.of(a, b2, c).get(i % 3);
            HubProcess other = List.of(b2, c, a).get(i % 3);
            String referralId = accepted(post(a, eventId("again", i))).get("referralId").asText();
            await("timeline of " + referralId + " the same on both instances").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                        HttpResponse<String> fromA = get(a, referralId, PartnerApi.FRANCE_TRAVAIL_93);
                        HttpResponse<String> fromB = get(b2, referralId, PartnerApi.FRANCE_TRAVAIL_93);
                        HttpResponse<String> fromC = get(c, referralId, PartnerApi.FRANCE_TRAVAIL_93);
                        assertThat(fromA.statusCode()).as(fromA.body()).isEqualTo(200);
                        assertThat(JSON.readTree(fromB.body())).isEqualTo(JSON.readTree(fromA.body()));
                        assertThat(JSON.readTree(fromC.body())).isEqualTo(JSON.readTree(fromA.body()));
                    });
            // Another partner's key gets the same 404 as an unknown id, on both.
            assertThat(get(a, referralId, PartnerApi.MISSION_LOCALE_MARSEILLE).statusCode()).isEqualTo(404);
            assertThat(get(b2, referralId, PartnerApi.MISSION_LOCALE_MARSEILLE).statusCode()).isEqualTo(404);
            // The service it was delivered to reports to one instance, then re-sends to the other: the same answer.
            String report = "{\"statusEventId\":\"scale-" + run + "-" + i + "\",\"status\":\"RECEIVED\"}";
            // 404 until the referral is delivered to it; 503 if the ledger was too slow to answer (a retry is safe).
            HttpResponse<String> first = await("delivered to adil-93").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> reportStatus(one, referralId, report),
                            r -> r.statusCode() != 404 && r.statusCode() != 503);
            HttpResponse<String> again = await("the re-sent report answered").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> reportStatus(other, referralId, report),
                            r -> r.statusCode() != 503);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
            assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree(first.body()));
        }

        // Some of those reads were answered by the other instance, as owner of the referral.
        assertThat(peerReads(a) + peerReads(b2) + peerReads(c)).as("reads answered by the owning peer").isPositive();

        // The instances' own read endpoint answers no one without a peer's signature.
        HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port()
                + "/internal/v1/referral-state/referrals/" + accepted(post(a, eventId("first", 0))).get("referralId")
                .asText())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);

        Map<String, Long> published = publishedIds().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(published).allSatisfy((eventId, copies) -> assertThat(copies).as(eventId).isEqualTo(1L));

        // Every referral of France Travail 93's sample goes to two dev subscriptions, once each, whichever instance
        // accepted it; the first ones, delivered before the kill, are then reminded and expire once, at each service.
        Map<String, String> referralOf = new LinkedHashMap<>();
        TopicReader.readToEnd(bootstrapServers, referralsTopic).stream()
                .filter(r -> "CREATED".equals(TopicReader.header(r, RecordHeaders.EVENT_TYPE)))
                .forEach(r -> referralOf.put(TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID),
                        TopicReader.header(r, RecordHeaders.REFERRAL_ID)));
        List<String> httpReferrals = sent.stream().filter(id -> !id.contains("-xml-") && !id.contains("-csv-"))
                .map(referralOf::get).toList();
        for (String service : SERVICES) {
            Map<String, Long> deliveries = countByReferral(counselling(service), "CREATED");
            assertThat(deliveries).as("deliveries to %s", service).containsKeys(httpReferrals.toArray(String[]::new));
            assertThat(deliveries.values()).as("deliveries to %s", service).containsOnly(1L);
        }
        List<String> firstReferrals = firstPhase.stream().map(referralOf::get).toList();
        await("the first referrals expired at both services").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> countByReferral(statusChanges, "EXPIRED").keySet().containsAll(firstReferrals));
        Map<String, Long> expiries = countByReferral(statusChanges, "EXPIRED");
        Map<String, Long> reminders = countByReferral(feedback, "REMINDER");
        for (String referralId : firstReferrals) {
            assertThat(reminders.get(referralId)).as("reminders of %s", referralId).isEqualTo(1L);
            assertThat(expiries.get(referralId)).as("EXPIRED changes of %s, one per service", referralId)
                    .isEqualTo(2L);
        }
        assertThat(reminders.values()).as("no referral reminded twice").containsOnly(1L);
        for (String service : SERVICES) {
            assertThat(countByReferral(counselling(service), "REMINDER").values()).as("reminder notices to %s", service)
                    .containsOnly(1L);
            Map<String, Long> expired = countByReferral(counselling(service), "EXPIRED");
            assertThat(expired).as("expiry notices to %s", service).containsKeys(firstReferrals.toArray(String[]::new));
            assertThat(expired.values()).as("expiry notices to %s", service).containsOnly(1L);
        }
    }

    /**
     * The records of a topic of the run that are of one kind, counted by referral: a counselling record's notice
     * (REMINDER, EXPIRED) or, for a referral, its eventType as the service sees it (CREATED...); a feedback's kind; a
     * status change's status.
     */
    private Map<String, Long> countByReferral(String topic, String kind) {
        AvroDeserializer avro = new AvroDeserializer();
        avro.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + registryPort), false);
        return TopicReader.readToEnd(bootstrapServers, topic).stream()
                .map(r -> (GenericRecord) avro.deserialize(topic, r.value()))
                .filter(value -> kind.equals(kindOf(value)))
                .collect(Collectors.groupingBy(value -> String.valueOf(value.get("referralId")), Collectors.counting()));
    }

    private static String kindOf(GenericRecord value) {
        for (String field : List.of("notice", "kind", "status", "eventType")) {
            if (value.hasField(field) && value.get(field) != null) {
                return value.get(field).toString();
            }
        }
        return null;
    }

    /** The same event to both instances at once, for each pair; returns the partner event ids. */
    private List<String> postPairs(HubProcess one, HubProcess other, String phase) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            String eventId = eventId(phase, i);
            ids.add(eventId);
            CompletableFuture<HttpResponse<String>> first = postAsync(one, eventId);
            CompletableFuture<HttpResponse<String>> second = postAsync(other, eventId);
            JsonNode answerOne = accepted(first.join());
            JsonNode answerOther = accepted(second.join());
            assertThat(answerOther.get("referralId").asText()).as(eventId)
                    .isEqualTo(answerOne.get("referralId").asText());
            assertThat(List.of(answerOne.get("status").asText(), answerOther.get("status").asText())).as(eventId)
                    .containsExactlyInAnyOrder("ACCEPTED", "ALREADY_RECEIVED");
        }
        return ids;
    }

    private List<String> postUntilAccepted(HubProcess hub, String phase, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String eventId = eventId(phase, i);
            ids.add(eventId);
            await(eventId + " accepted by the instance left").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> post(hub, eventId).statusCode() == 202);
        }
        return ids;
    }

    /** The partner event ids of the run on the referrals topic, one entry per record (copies included). */
    private List<String> publishedIds() {
        return TopicReader.readToEnd(bootstrapServers, referralsTopic).stream()
                .map(r -> TopicReader.header(r, RecordHeaders.PARTNER_EVENT_ID))
                .filter(id -> id != null && id.startsWith("SCALE-" + run)).toList();
    }

    /** Landlord records on the landlord's intake topic, each written twice; returns their event ids. */
    private List<String> sendXmlTwice(String phase, int count) {
        String sample = Samples.text("social-landlord/logis-hdf-orientation-000871.xml");
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String id = eventId(phase, i);
                ids.add(id);
                byte[] document = sample.replace("HDF-LOGIS-2026-000871", id).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>("intake.logis-hdf", id, document));
                producer.send(new ProducerRecord<>("intake.logis-hdf", id, document));
            }
            producer.flush();
        }
        return ids;
    }

    /** The same file, one row per event id, in the CFA's drop folder of each instance, at the same moment. */
    private void dropCsvInEach(List<String> eventIds) throws Exception {
        List<String> sample = Files.readAllLines(Path.of("src/test/resources/samples/training-body/"
                + "cfa-btp-lyon-2026-11-18.csv"), StandardCharsets.UTF_8);
        String row = sample.get(1).substring(sample.get(1).indexOf(';'));
        StringBuilder csv = new StringBuilder(sample.get(0)).append('\n');
        eventIds.forEach(id -> csv.append(id).append(row).append('\n'));
        List<Path> parts = new ArrayList<>();
        for (String hub : DROP_FOLDERS) {
            Path folder = workDir.resolve(hub).resolve("drops").resolve("cfa-btp-lyon");
            Files.createDirectories(folder);
            Path part = folder.resolve("scale-" + run + ".csv.part");
            Files.writeString(part, csv, StandardCharsets.UTF_8);
            parts.add(part);
        }
        for (Path part : parts) {
            Files.move(part, part.resolveSibling("scale-" + run + ".csv"), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The report of the dropped file on an instance, once it is in done/; null before. */
    private JsonNode report(String hub) throws Exception {
        Path report = workDir.resolve(hub).resolve("drops").resolve("cfa-btp-lyon").resolve("done")
                .resolve("scale-" + run + ".csv.report.json");
        return Files.exists(report) ? JSON.readTree(report.toFile()) : null;
    }

    /** hub.referral-state.reads{answered-by=owner-instance} of an instance, from its Prometheus scrape. */
    private static double peerReads(HubProcess hub) {
        String scrape = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port()
                + "/actuator/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString()).join().body();
        return scrape.lines().filter(line -> line.startsWith("hub_referral_state_reads_total{")
                        && line.contains("answered_by=\"owner-instance\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> get(HubProcess hub, String referralId, String key) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/v1/referrals/"
                        + referralId)).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    private static HttpResponse<String> reportStatus(HubProcess hub, String referralId, String report) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/v1/referrals/"
                        + referralId + "/status")).header("Authorization", "Bearer dev-key-adil-93")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(report)).build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    private String counselling(String service) {
        return "counselling.scale-" + run + "-" + service;
    }

    private String eventId(String phase, int i) {
        return "SCALE-" + run + "-" + phase + "-" + i;
    }

    private HttpResponse<String> post(HubProcess hub, String eventId) {
        return postAsync(hub, eventId).join();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(HubProcess hub, String eventId) {
        String body = sample.replace("FT-93066-2026-11-000123", eventId);
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/v1/referrals"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + PartnerApi.FRANCE_TRAVAIL_93)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    /** One hub of the group; the first runs the schema registry the others use. */
    private HubProcess startHub(String name, boolean runsRegistry) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hub.kafka.bootstrap-servers", bootstrapServers);
        if (runsRegistry) {
            properties.put("hub.embedded.schema-registry.port", String.valueOf(registryPort));
            properties.put("hub.embedded.schema-registry.host", "127.0.0.1");
            properties.put("hub.embedded.schema-registry.topic", "_schemas-scale-" + run);
        } else {
            properties.put("hub.schema-registry.url", "http://127.0.0.1:" + registryPort);
        }
        // Each instance its own data (state stores, drops); one application id, one set of topics for the group.
        properties.put("hub.embedded.data-dir", workDir.resolve(name).toAbsolutePath().toString());
        properties.put("hub.intake.file-drops.root", workDir.resolve(name).resolve("drops").toAbsolutePath().toString());
        properties.put("hub.topics.referrals", referralsTopic);
        properties.put("hub.topics.eligibility-decisions", "eligibility-decisions.scale-" + run);
        properties.put("hub.topics.dead-letters", "dead-letters.scale-" + run);
        properties.put("hub.topics.intake-submissions", "intake-submissions.scale-" + run);
        properties.put("hub.topics.intake-decisions", "intake-decisions.scale-" + run);
        properties.put("hub.topics.referral-status-changes", statusChanges);
        properties.put("hub.topics.subscriptions", "subscriptions.scale-" + run);
        properties.put("hub.topics.webhook-deliveries", "webhook-deliveries.scale-" + run);
        properties.put("hub.topics.counselling-prefix", "counselling.scale-" + run + "-");
        properties.put("hub.topics.feedback-prefix", "feedback.scale-" + run + "-");
        properties.put("hub.referral-state.application-id", "referral-hub-state-scale-" + run);
        // Real time, short: the first referrals are reminded and expire during the test.
        properties.put("hub.expiry.reminder-after", "PT45S");
        properties.put("hub.expiry.expire-after", "PT90S");
        properties.put("hub.expiry.sweep-interval", "1s");
        // Five JVMs share two cores here: a ledger slower than the default 10 s gives a late answer, not a 503, so the
        // exact ACCEPTED / ALREADY_RECEIVED checks hold (the HTTP client waits 30 s). Partitions of the killed
        // instance still get 503 until the group gives them to another.
        properties.put("hub.referral-state.answer-timeout", "PT20S");
        properties.put("camel.component.kafka.session-timeout-ms", "6000");
        properties.put("camel.component.kafka.heartbeat-interval-ms", "1000");
        properties.put("spring.jmx.enabled", "false");
        properties.put("camel.main.jmx-enabled", "false");
        HubProcess hub = HubProcess.start(properties, workDir.resolve("hub-" + name + ".log"), STARTUP_LIMIT);
        hubs.add(hub);
        return hub;
    }
}
