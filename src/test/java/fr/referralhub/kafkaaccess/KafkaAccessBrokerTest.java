package fr.referralhub.kafkaaccess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.counselling.ServiceRegistryProperties;
import fr.referralhub.embedded.EmbeddedKafkaBroker;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.partners.PartnerRegistryProperties;
import fr.referralhub.testing.SaslClients;
import fr.referralhub.testing.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.assertj.core.util.Throwables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The embedded broker's partner listener with the ACLs the registries declare, on a real broker of its own: each
 * principal authenticates with SCRAM-SHA-512 and reaches its own topics only; without valid credentials, nothing.
 * The hub's own principal, with the hub's own client settings, may do everything there.
 */
class KafkaAccessBrokerTest {

    private static final String HUB_PASSWORD = "hub-secret";
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
                "logis-hdf", "landlord-secret", "adil-93", "service-secret", "ops", "ops-secret",
                EmbeddedKafkaBroker.HUB_PRINCIPAL, HUB_PASSWORD), "ops");
        KafkaAcls acls = new KafkaAcls("intake.", "feedback.", "counselling.", "status.");
        KafkaConnection loopback = KafkaConnection.plaintext(broker.bootstrapServers());
        new KafkaAccessProvisioner(loopback, properties, partners, services, acls).start();
        // Applied twice (a restart): the same rights, nothing doubled or lost.
        new KafkaAccessProvisioner(loopback, properties, partners, services, acls).start();
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

    /**
     * The hub's own settings (hub.kafka.*: KafkaConnection) on the SASL listener, as on a secured cluster: its
     * principal is the super user there, so its admin, producer and consumer clients and a Kafka Streams application
     * do what the hub does, on a canonical topic too.
     */
    @Test
    void shouldLetTheHubDoWhatItDoesWithItsOwnLogin() throws Exception {
        KafkaConnection hub = SaslClients.login(broker.partnerBootstrapServers(), EmbeddedKafkaBroker.HUB_PRINCIPAL,
                HUB_PASSWORD);
        String in = "hub-login-in-" + UUID.randomUUID();
        String out = "hub-login-out-" + UUID.randomUUID();
        try (Admin admin = Admin.create(hub.clientConfig(Map.of()))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(hub.clientConfig(Map.of()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("referrals.v1", "k", "canonical")).get();
            producer.send(new ProducerRecord<>(in, "k", "through streams")).get();
        }
        StreamsBuilder copy = new StreamsBuilder();
        copy.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
                .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties streamsConfig = new Properties();
        streamsConfig.putAll(hub.clientConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "hub-login-" + UUID.randomUUID(),
                StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString())));
        try (KafkaStreams streams = new KafkaStreams(copy.build(), streamsConfig);
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(hub.clientConfig(Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, "referral-hub-login-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
                     new StringDeserializer(), new StringDeserializer())) {
            streams.start();
            consumer.subscribe(List.of("referrals.v1", out));
            List<String> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> read.add(record.value()));
                assertThat(read).contains("canonical", "through streams");
            });
        }
    }

    /** A hub with a wrong password stops at its first step, saying what to fix, never the password it tried. */
    @Test
    void shouldStopTheHubWithAClearMessageWhenKafkaRefusesItsLogin() {
        String wrong = "not-the-hub-password";
        assertThatThrownBy(() -> new HubKafkaLogin(SaslClients.login(broker.partnerBootstrapServers(),
                EmbeddedKafkaBroker.HUB_PRINCIPAL, wrong)).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused the hub's login (SASL_PLAINTEXT as hub)")
                .hasMessageContaining("HUB_KAFKA_SASL_PASSWORD")
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .satisfies(refused -> assertThat(Throwables.getStackTrace(refused)).doesNotContain(wrong));
        new HubKafkaLogin(SaslClients.login(broker.partnerBootstrapServers(), EmbeddedKafkaBroker.HUB_PRINCIPAL,
                HUB_PASSWORD)).start();
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
