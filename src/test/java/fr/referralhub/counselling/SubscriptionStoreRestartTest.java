package fr.referralhub.counselling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import fr.referralhub.counselling.StoredSubscription.Origin;
import fr.referralhub.counselling.SubscriptionDeclaration.Match;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.testing.HubTest;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicCatalog;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The subscription store is its topic: a store started again (a restarted instance) rebuilds every subscription
 * from it, and the configuration's subscriptions are seeded without undoing what operators changed or deleted.
 * Each test uses its own subscriptions topic on the hub's broker, so the running hub is not affected.
 */
@HubTest
class SubscriptionStoreRestartTest {

    @Autowired
    KafkaConnection kafka;
    @Autowired
    CounsellingTopics counsellingTopics;
    @Autowired
    HubKafkaClients kafkaClients;
    @Autowired
    RecordProvenance provenance;

    HubTopicProperties topics;

    @BeforeEach
    void ownTopic() {
        topics = new HubTopicProperties("referrals.v1", "eligibility-decisions.v1", "dead-letters.v1", "operator-audit.v1", 1, (short) 1,
                "subscriptions.restart-test-" + UUID.randomUUID(), "counselling.",
                "feedback.", "webhook-deliveries.v1", "referral-status-changes.v1", "intake-submissions.v1",
                "intake-decisions.v1");
        TopicProvisioner.createMissing(kafka, List.of(new NewTopic(topics.subscriptions(), 1, (short) 1)
                .configs(new TopicCatalog(topics).subscriptions().configs())), "a test subscriptions topic");
    }

    private static SubscriptionDeclaration declaration(String id, String departement) {
        return new SubscriptionDeclaration(id, "store-test-service", "restart test",
                new Match(List.of(departement), null, null, null, null, null, null), List.of("HOME"), null);
    }

    private SubscriptionStore started(SubscriptionDeclaration... configured) {
        SubscriptionStore store = new SubscriptionStore(kafka, topics,
                new SubscriptionProperties(List.of(configured)), counsellingTopics, kafkaClients, provenance);
        store.start();
        return store;
    }

    @Test
    void shouldRebuildEverySubscriptionFromTheTopicAfterARestart() {
        SubscriptionStore first = started();
        first.put(declaration("kept", "2A"), "alice");
        first.put(declaration("replaced", "2A"), "alice");
        first.put(declaration("replaced", "2B"), "bob");
        first.put(declaration("deleted", "2A"), "alice");
        first.delete("deleted", "bob");
        first.stop();

        SubscriptionStore restarted = started();
        try {
            assertThat(restarted.active()).extracting(Subscription::id).containsExactlyInAnyOrder("kept", "replaced");
            assertThat(restarted.find("replaced")).get()
                    .satisfies(s -> assertThat(s.criteria().departements()).containsExactly("2B"));
            assertThat(restarted.stored("replaced")).get().extracting(StoredSubscription::updatedBy).isEqualTo("bob");
        } finally {
            restarted.stop();
        }
    }

    @Test
    void shouldSeedTheConfigurationWithoutUndoingWhatOperatorsChangedOrDeleted() {
        SubscriptionStore first = started(declaration("changed-by-operator", "2A"), declaration("deleted-by-operator", "2A"),
                declaration("changed-in-configuration", "2A"));
        assertThat(first.all()).extracting(StoredSubscription::origin).containsOnly(Origin.CONFIGURATION).hasSize(3);
        first.put(declaration("changed-by-operator", "971"), "alice");
        first.delete("deleted-by-operator", "alice");
        first.stop();

        SubscriptionStore restarted = started(declaration("changed-by-operator", "2A"),
                declaration("deleted-by-operator", "2A"), declaration("changed-in-configuration", "972"),
                declaration("new-in-configuration", "973"));
        try {
            assertThat(restarted.active()).extracting(Subscription::id).containsExactlyInAnyOrder(
                    "changed-by-operator", "changed-in-configuration", "new-in-configuration");
            assertThat(restarted.find("changed-by-operator").orElseThrow().criteria().departements())
                    .as("the operator's version stays").containsExactly("971");
            assertThat(restarted.find("changed-in-configuration").orElseThrow().criteria().departements())
                    .as("a configuration change applies to a subscription no operator touched").containsExactly("972");
            assertThat(restarted.stored("new-in-configuration")).get().extracting(StoredSubscription::origin)
                    .isEqualTo(Origin.CONFIGURATION);
        } finally {
            restarted.stop();
        }
    }

    @Test
    void shouldFollowTheConfigurationAgainOnceAnOperatorRestoredItsVersion() {
        SubscriptionStore first = started(declaration("changed-then-restored", "2A"),
                declaration("deleted-then-restored", "2A"));
        first.put(declaration("changed-then-restored", "971"), "alice");
        first.delete("deleted-then-restored", "alice");
        assertThat(first.overridesConfiguration("changed-then-restored")).isTrue();
        assertThat(first.overridesConfiguration("deleted-then-restored")).isTrue();
        assertThat(first.restoreConfigured("not-configured", "bob")).isEmpty();

        assertThat(first.restoreConfigured("changed-then-restored", "bob")).get().satisfies(restored -> {
            assertThat(restored.origin()).isEqualTo(Origin.CONFIGURATION);
            assertThat(restored.updatedBy()).isEqualTo("bob");
        });
        assertThat(first.restoreConfigured("deleted-then-restored", "bob")).isPresent();
        assertThat(first.find("changed-then-restored").orElseThrow().criteria().departements()).containsExactly("2A");
        assertThat(first.find("deleted-then-restored")).as("in force again at once").isPresent();
        assertThat(first.overridesConfiguration("changed-then-restored")).isFalse();
        assertThat(first.overridesConfiguration("deleted-then-restored")).isFalse();
        first.stop();

        SubscriptionStore restarted = started(declaration("changed-then-restored", "972"),
                declaration("deleted-then-restored", "973"));
        try {
            assertThat(restarted.find("changed-then-restored").orElseThrow().criteria().departements())
                    .as("a configuration change applies again").containsExactly("972");
            assertThat(restarted.find("deleted-then-restored").orElseThrow().criteria().departements())
                    .containsExactly("973");
        } finally {
            restarted.stop();
        }
    }

    @Test
    void shouldRefuseToStartOnAnInvalidConfiguredSubscription() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SubscriptionStore(kafka, topics,
                        new SubscriptionProperties(List.of(declaration("bad", "9A"))), counsellingTopics, kafkaClients,
                        provenance))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hub.subscriptions[0]").hasMessageContaining("match.departements[0]");
    }
}
