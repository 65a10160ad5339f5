package fr.referralhub.provenance;

import java.util.Map;
import java.util.Properties;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.springframework.stereotype.Component;

/**
 * Where the hub's Kafka producers come from, so that each record it writes is signed ({@link RecordProvenance}): the
 * Camel routes' (this is the kafka component's client factory, application.yaml), the referral state's (Kafka
 * Streams, {@link #streams()}) and the few the hub makes itself ({@link #producer}). Camel's producers and consumers
 * also get the hub's login here ({@link KafkaConnection}), over the component's own security settings.
 */
@Component("hubKafkaClients")
public class HubKafkaClients extends DefaultKafkaClientFactory {

    private final RecordProvenance provenance;
    private final KafkaConnection connection;

    public HubKafkaClients(RecordProvenance provenance, KafkaConnection connection) {
        this.provenance = provenance;
        this.connection = connection;
    }

    /** A signing producer with these serializers. */
    public <K, V> Producer<K, V> producer(Map<String, Object> config, Serializer<K> keySerializer,
                                          Serializer<V> valueSerializer) {
        return new SigningProducer<>(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()),
                keySerializer, valueSerializer, provenance);
    }

    /** Camel's producers: the serializers its endpoint configured, signing. */
    @Override
    public Producer getProducer(Properties properties) {
        Map<String, Object> config = connection.withSecurity(Utils.propsToMap(properties));
        return producer(config, serializer(config, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, true),
                serializer(config, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, false));
    }

    /** Camel's consumers, with the hub's login. */
    @Override
    public Consumer getConsumer(Properties properties) {
        return super.getConsumer(withSecurity(properties));
    }

    private Properties withSecurity(Properties properties) {
        Properties secured = new Properties();
        secured.putAll(connection.withSecurity(Utils.propsToMap(properties)));
        return secured;
    }

    /** The referral state's clients: its producers sign (their records are bytes already). */
    public KafkaClientSupplier streams() {
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(Map<String, Object> config) {
                return Admin.create(config);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                return producer(config, new ByteArraySerializer(), new ByteArraySerializer());
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                return getConsumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                return getConsumer(config);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static Serializer<Object> serializer(Map<String, Object> config, String name, boolean isKey) {
        Object configured = config.get(name);
        Serializer<Object> serializer;
        try {
            serializer = configured instanceof Class<?> type ? (Serializer<Object>) Utils.newInstance(type)
                    : Utils.newInstance(String.valueOf(configured), Serializer.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(name + ": no class " + configured, e);
        }
        serializer.configure(config, isKey);
        return serializer;
    }
}
