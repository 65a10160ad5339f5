package fr.referralhub.counselling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import fr.referralhub.api.FieldError;
import fr.referralhub.counselling.StoredSubscription.Origin;
import fr.referralhub.counselling.webhook.WebhookProperties;
import fr.referralhub.counselling.webhook.WebhookSecrets;
import fr.referralhub.kafka.CompactedTopicView;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.provenance.HubKafkaClients;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
 * kept ten years for that, see TopicCatalog). An operator's version of a configured subscription therefore stands in
 * for the configuration's until an operator puts the configuration's back ({@link #restoreConfigured}); from then on
 * configuration changes apply again.
 *
 * <p>Only what the hub wrote counts: a subscription record (or tombstone) it did not sign is refused by the view, so a
 * client that can write the topic can neither route referrals to itself nor stop a subscription.
 */
@Component
public class SubscriptionStore implements SmartLifecycle {

    /** Header of subscription records: who wrote it (operator's name or "configuration"); not personal data of referrals. */
    public static final String UPDATED_BY = "hub.subscription.updated-by";
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** The view's name, and its tag in the provenance counter (subscriptions the hub did not write, never in force). */
    public static final String CONSUMER = "subscriptions";
    private static final Logger log = LoggerFactory.getLogger(SubscriptionStore.class);

    private final KafkaConnection kafka;
    private final String topic;
    private final List<Subscription> declared;
    private final CounsellingTopics topics;
    private final Map<String, StoredSubscription> stored = new ConcurrentHashMap<>();
    private final Map<String, Subscription> active = new ConcurrentHashMap<>();
    /** Ids whose last record is a tombstone: deleted by an operator, not to be seeded again. */
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private volatile CompactedTopicView view;
    private final HubKafkaClients kafkaClients;
    private final RecordProvenance provenance;
    private final boolean allowHttpLocalhost;
    /** Whether this instance has the webhook secret of a name (checked when a subscription is written here). */
    private final Predicate<String> secretExists;
    /** Told of every subscription put in force, at start-up as later (whoever wrote it, on whichever instance). */
    private final List<Consumer<Subscription>> inForceListeners = new CopyOnWriteArrayList<>();

    /** A store whose webhooks are https only and whose secrets are not checked (tests of the topic alone). */
    public SubscriptionStore(KafkaConnection kafka, HubTopicProperties topicNames, SubscriptionProperties properties,
                             CounsellingTopics topics, HubKafkaClients kafkaClients, RecordProvenance provenance) {
        this(kafka, topicNames, properties, topics, kafkaClients, provenance, false, name -> true);
    }

    @Autowired
    public SubscriptionStore(KafkaConnection kafka,
                             HubTopicProperties topicNames, SubscriptionProperties properties,
                             CounsellingTopics topics, WebhookProperties webhooks, WebhookSecrets secrets,
                             HubKafkaClients kafkaClients, RecordProvenance provenance) {
        this(kafka, topicNames, properties, topics, kafkaClients, provenance, webhooks.allowHttpLocalhost(),
                name -> secrets.find(name).isPresent());
    }

    private SubscriptionStore(KafkaConnection kafka, HubTopicProperties topicNames, SubscriptionProperties properties,
                              CounsellingTopics topics, HubKafkaClients kafkaClients, RecordProvenance provenance,
                              boolean allowHttpLocalhost, Predicate<String> secretExists) {
        this.kafkaClients = kafkaClients;
        this.provenance = provenance;
        this.allowHttpLocalhost = allowHttpLocalhost;
        this.secretExists = secretExists;
        this.kafka = kafka;
        this.topic = topicNames.subscriptions();
        this.topics = topics;
        // A wrong declaration stops the start-up, naming the entry and the field.
        List<SubscriptionDeclaration> declarations = properties.subscriptions();
        this.declared = declarations.stream().map(declaration -> {
            try {
                return checkedHere(declaration);
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

    /**
     * Calls {@code listener} with every subscription in force from now on, each time one is put in force or replaced
     * (read from the topic: at start-up, and as operators write, through any instance), and at once with those
     * already in force.
     */
    public void whenInForce(Consumer<Subscription> listener) {
        inForceListeners.add(listener);
        active.values().forEach(listener);
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
        Subscription subscription = checkedHere(declaration);
        // Before the subscription is in force: its first referral must find the topic ready.
        topics.counsellingTopic(subscription.serviceId());
        StoredSubscription written = new StoredSubscription(declaration, Origin.OPERATOR, operator,
                Instant.now().toString());
        write(declaration.id(), written);
        return written;
    }

    /**
     * Whether an operator's change or deletion stands in for the configuration's version of this subscription: the
     * configuration declares it, and the topic's version is not the configuration's. Configuration changes to it
     * are then ignored, at start-up as later.
     */
    public boolean overridesConfiguration(String id) {
        if (configured(id).isEmpty()) {
            return false;
        }
        StoredSubscription current = stored.get(id);
        return current == null ? deleted.contains(id) : current.origin() == Origin.OPERATOR;
    }

    /**
     * Puts the configuration's version of a subscription back in force, over an operator's change or deletion, as
     * the configuration's (origin CONFIGURATION, written by this operator): later configuration changes apply to it
     * again. Empty if the configuration does not declare it.
     */
    public Optional<StoredSubscription> restoreConfigured(String id, String operator) {
        Optional<Subscription> configured = configured(id);
        configured.ifPresent(subscription -> {
            topics.counsellingTopic(subscription.serviceId());
            write(id, new StoredSubscription(subscription.declaration(), Origin.CONFIGURATION, operator,
                    Instant.now().toString()));
        });
        return configured.map(subscription -> stored.get(id));
    }

    private Optional<Subscription> configured(String id) {
        return declared.stream().filter(subscription -> subscription.id().equals(id)).findFirst();
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

    /**
     * The validator's checks, and for a webhook that this instance has its secret: a subscription written here
     * with a secret name nobody configured would only fill the dead letters.
     */
    private Subscription checkedHere(SubscriptionDeclaration declaration) {
        Subscription subscription;
        try {
            subscription = SubscriptionValidator.validate(declaration, allowHttpLocalhost);
        } catch (InvalidSubscriptionException e) {
            if (declaration != null && declaration.delivery() != null && declaration.delivery().secretRef() != null
                    && e.errors().stream().noneMatch(error -> error.field().equals("delivery.secretRef"))
                    && !secretExists.test(declaration.delivery().secretRef())) {
                List<FieldError> errors = new ArrayList<>(e.errors());
                errors.add(new FieldError("delivery.secretRef", WebhookSecrets.missing(declaration.delivery().secretRef())));
                throw new InvalidSubscriptionException(errors);
            }
            throw e;
        }
        if (subscription.deliveryMode() == Subscription.DeliveryMode.WEBHOOK
                && !secretExists.test(declaration.delivery().secretRef())) {
            throw new InvalidSubscriptionException(List.of(new FieldError("delivery.secretRef",
                    WebhookSecrets.missing(declaration.delivery().secretRef()))));
        }
        return subscription;
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
            // Not the secret: an instance without it dead-letters the deliveries with that reason, it does not
            // drop the subscription.
            subscription = SubscriptionValidator.validate(value.subscription(), allowHttpLocalhost);
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
        inForceListeners.forEach(listener -> listener.accept(subscription));
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
        view = new CompactedTopicView(kafka, topic, CONSUMER, kafkaClients, provenance, this::apply);
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
