package fr.referralhub.counselling;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import fr.referralhub.counselling.StoredSubscription.Origin;
import fr.referralhub.kafka.CompactedTopicView;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The counselling subscriptions in force, kept on the compacted subscriptions topic (key: subscription id, value:
 * {@link StoredSubscription} as JSON, tombstone on delete). Every instance reads the topic at start-up and then
 * follows it, so a subscription written through any instance's admin API takes effect on all of them without
 * restart, and survives restarts.
 *
 * <p>Subscriptions declared in {@code hub.subscriptions} are written at start-up when the topic has no version of
 * them, or an older configuration version; never over an operator's change or deletion (a deletion's tombstone is
 * kept ten years for that, see TopicCatalog).
 */
@Component
public class SubscriptionStore implements SmartLifecycle {

    /** Header of subscription records: who wrote it (operator's name or "configuration"); not personal data of referrals. */
    public static final String UPDATED_BY = "hub.subscription.updated-by";
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Logger log = LoggerFactory.getLogger(SubscriptionStore.class);

    private final String bootstrapServers;
    private final String topic;
    private final List<Subscription> declared;
    private final CounsellingTopics topics;
    private final Map<String, StoredSubscription> stored = new ConcurrentHashMap<>();
    private final Map<String, Subscription> active = new ConcurrentHashMap<>();
    /** Ids whose last record is a tombstone: deleted by an operator, not to be seeded again. */
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private volatile CompactedTopicView view;

    public SubscriptionStore(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers,
                             HubTopicProperties topicNames, SubscriptionProperties properties,
                             CounsellingTopics topics) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topicNames.subscriptions();
        this.topics = topics;
        // A wrong declaration stops the start-up, naming the entry and the field.
        List<SubscriptionDeclaration> declarations = properties.subscriptions();
        this.declared = declarations.stream().map(declaration -> {
            try {
                return SubscriptionValidator.validate(declaration);
            } catch (InvalidSubscriptionException e) {
                throw new IllegalStateException("Invalid hub.subscriptions[" + declarations.indexOf(declaration)
                        + "]: " + e.getMessage(), e);
            }
        }).toList();
        long distinct = declared.stream().map(Subscription::id).distinct().count();
        if (distinct != declared.size()) {
            throw new IllegalStateException("hub.subscriptions declares a subscription id twice");
        }
    }

    /** Subscriptions in force, for routing. */
    public Collection<Subscription> active() {
        return active.values();
    }

    public Optional<Subscription> find(String id) {
        return Optional.ofNullable(active.get(id));
    }

    public List<StoredSubscription> all() {
        return stored.values().stream().sorted(Comparator.comparing(s -> s.subscription().id())).toList();
    }

    public Optional<StoredSubscription> stored(String id) {
        return Optional.ofNullable(stored.get(id));
    }

    /**
     * Creates or replaces a subscription as an operator; returns once it is in force on this instance (others follow
     * within their next poll).
     *
     * @throws InvalidSubscriptionException with one reason per wrong field
     */
    public StoredSubscription put(SubscriptionDeclaration declaration, String operator) {
        Subscription subscription = SubscriptionValidator.validate(declaration);
        // Before the subscription is in force: its first referral must find the topic ready.
        topics.counsellingTopic(subscription.serviceId());
        StoredSubscription written = new StoredSubscription(declaration, Origin.OPERATOR, operator,
                Instant.now().toString());
        write(declaration.id(), written);
        return written;
    }

    /** Deletes a subscription as an operator; false if there was none. */
    public boolean delete(String id, String operator) {
        if (!stored.containsKey(id)) {
            return false;
        }
        view.write(id, null, Map.of(UPDATED_BY, operator));
        return true;
    }

    private void write(String id, StoredSubscription value) {
        try {
            view.write(id, JSON.writeValueAsString(value), Map.of(UPDATED_BY, value.updatedBy()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write subscription " + id + " as JSON", e);
        }
    }

    /** Applies one record of the topic (tail thread). */
    private void apply(ConsumerRecord<String, String> record) {
        String id = record.key();
        if (record.value() == null) {
            stored.remove(id);
            active.remove(id);
            deleted.add(id);
            log.info("Subscription {} deleted", id);
            return;
        }
        deleted.remove(id);
        StoredSubscription value;
        Subscription subscription;
        try {
            value = JSON.readValue(record.value(), StoredSubscription.class);
            subscription = SubscriptionValidator.validate(value.subscription());
        } catch (JsonProcessingException | InvalidSubscriptionException e) {
            // Only the admin API and the configuration write here, both validated: this is a record from elsewhere
            // or an older hub. Out of force rather than half-applied.
            stored.remove(id);
            active.remove(id);
            throw new IllegalArgumentException("subscription " + id + " is not valid, it is not in force: "
                    + e.getMessage(), e);
        }
        topics.counsellingTopic(subscription.serviceId());
        stored.put(id, value);
        active.put(id, subscription);
        log.info("Subscription {} of service {} in force ({})", id, subscription.serviceId(), value.origin());
    }

    /** Writes the configuration's subscriptions the topic does not have, or has in an older configuration version. */
    private void seed() {
        for (Subscription subscription : declared) {
            String id = subscription.id();
            StoredSubscription current = stored.get(id);
            if (deleted.contains(id)) {
                log.info("Subscription {} of the configuration is not seeded: an operator deleted it", id);
            } else if (current != null && current.origin() == Origin.OPERATOR) {
                log.info("Subscription {} of the configuration is not seeded: an operator changed it", id);
            } else if (current == null || !current.subscription().equals(subscription.declaration())) {
                write(id, new StoredSubscription(subscription.declaration(), Origin.CONFIGURATION, "configuration",
                        Instant.now().toString()));
            }
        }
    }

    @Override
    public void start() {
        view = new CompactedTopicView(bootstrapServers, topic, "subscriptions", this::apply);
        view.start();
        seed();
        log.info("Counselling subscriptions: {} in force", active.size());
    }

    @Override
    public void stop() {
        if (view != null) {
            view.close();
        }
    }

    @Override
    public boolean isRunning() {
        return view != null && view.isRunning();
    }

    /** After the topics exist, before Camel's routes start. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
