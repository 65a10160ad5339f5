package fr.referralhub.kafkaaccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.counselling.ServiceRegistryProperties;
import fr.referralhub.embedded.EmbeddedKafkaBroker;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.testing.SaslClients;
import fr.referralhub.testing.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The embedded broker's partner listener with the ACLs the registries declare, on a real broker of its own: each
 * principal authenticates with SCRAM-SHA-512 and reaches its own topics only; without valid credentials, nothing.
 */
class KafkaAccessBrokerTest {

    private static final List<String> TOPICS = List.of("intake.logis-hdf", "intake.logis-other", "referrals.v1",
            "counselling.adil-93", "counselling.cllaj-lyon", "status.adil-93", "status.cllaj-lyon",
            "feedback.logis-hdf");
    private static Path dir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBrokerAndApplyTheRegistriesAcls() throws Exception {
        dir = Files.createTempDirectory("kafka-access");
        broker = new EmbeddedKafkaBroker(dir, "127.0.0.1", SharedKafka.freePort(), SharedKafka.freePort(),
                SharedKafka.freePort());
        broker.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            admin.createTopics(TOPICS.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList()).all().get();
        }
        PartnerRegistry partners = new PartnerRegistry(new PartnerRegistryProperties(List.of(
                landlord("logis-hdf", "457504694"), landlord("logis-other", "111111111"))));
        ServiceRegistry services = new ServiceRegistry(new ServiceRegistryProperties(List.of(
                new CounsellingService("adil-93", "ADIL 93", true, List.of()),
                new CounsellingService("cllaj-lyon", "CLLAJ Lyon", true, List.of()))), partners);
        KafkaAccessProperties properties = new KafkaAccessProperties(true, broker.partnerBootstrapServers(), Map.of(
                "logis-hdf", "landlord-secret", "adil-93", "service-secret", "ops", "ops-secret"), "ops");
        KafkaAcls acls = new KafkaAcls("intake.", "feedback.", "counselling.", "status.");
        new KafkaAccessProvisioner(broker.bootstrapServers(), properties, partners, services, acls).start();
        // Applied twice (a restart): the same rights, nothing doubled or lost.
        new KafkaAccessProvisioner(broker.bootstrapServers(), properties, partners, services, acls).start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
        FileSystemUtils.deleteRecursively(dir);
    }

    @Test
    void shouldLetALandlordWriteItsIntakeTopicOnly() throws Exception {
        try (KafkaProducer<String, String> landlord = producer("logis-hdf", "landlord-secret")) {
            landlord.send(new ProducerRecord<>("intake.logis-hdf", "k", "<orientation/>")).get();
            for (String forbidden : List.of("referrals.v1", "intake.logis-other", "status.adil-93")) {
                assertThatThrownBy(() -> landlord.send(new ProducerRecord<>(forbidden, "k", "x")).get())
                        .as(forbidden).hasRootCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void shouldRefuseClientsWithoutValidCredentials() {
        try (KafkaProducer<String, String> stranger = producer("logis-hdf", "a guess")) {
            assertThatThrownBy(() -> stranger.send(new ProducerRecord<>("intake.logis-hdf", "k", "x")).get())
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
        try (KafkaProducer<String, String> nobody = producer("cllaj-lyon", "no credentials stored for it")) {
            assertThatThrownBy(() -> nobody.send(new ProducerRecord<>("status.cllaj-lyon", "k", "x")).get())
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldLetAServiceReadItsTopicInItsOwnGroupsAndWriteItsStatusTopicOnly() throws Exception {
        try (KafkaConsumer<String, String> own = consumer("adil-93", "service-secret", "adil-93.counselling")) {
            own.subscribe(Set.of("counselling.adil-93"));
            own.poll(Duration.ofSeconds(2));
            assertThat(own.assignment()).isNotNull();
        }
        try (KafkaConsumer<String, String> other = consumer("adil-93", "service-secret", "adil-93.peek")) {
            other.subscribe(Set.of("counselling.cllaj-lyon"));
            assertThatThrownBy(() -> other.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaConsumer<String, String> foreignGroup = consumer("adil-93", "service-secret", "cllaj-lyon.x")) {
            foreignGroup.subscribe(Set.of("counselling.adil-93"));
            assertThatThrownBy(() -> foreignGroup.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaProducer<String, String> service = producer("adil-93", "service-secret")) {
            service.send(new ProducerRecord<>("status.adil-93", "k", "{}")).get();
            assertThatThrownBy(() -> service.send(new ProducerRecord<>("status.cllaj-lyon", "k", "{}")).get())
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldLetOperatorsDescribeButNotRead() throws Exception {
        try (Admin ops = Admin.create(SaslClients.config(broker.partnerBootstrapServers(), "ops", "ops-secret"))) {
            assertThat(ops.listTopics().names().get()).containsAll(TOPICS);
        }
        try (KafkaConsumer<String, String> ops = consumer("ops", "ops-secret", "ops.peek")) {
            ops.subscribe(Set.of("referrals.v1"));
            assertThatThrownBy(() -> ops.poll(Duration.ofSeconds(5))).isInstanceOfAny(
                    TopicAuthorizationException.class, GroupAuthorizationException.class);
        }
    }

    private static Partner landlord(String id, String siren) {
        return new Partner(id, id, PartnerKind.SOCIAL_LANDLORD, IntakeChannel.KAFKA_XML, "social-landlord-xml-v1",
                true, List.of(siren), List.of());
    }

    private static KafkaProducer<String, String> producer(String user, String password) {
        return SaslClients.producer(broker.partnerBootstrapServers(), user, password);
    }

    private static KafkaConsumer<String, String> consumer(String user, String password, String group) {
        return SaslClients.consumer(broker.partnerBootstrapServers(), user, password, group);
    }
}
