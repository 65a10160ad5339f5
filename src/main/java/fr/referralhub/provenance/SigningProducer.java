package fr.referralhub.provenance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A producer that signs every record it sends ({@link RecordProvenance}). It serializes key and value itself, so the
 * signature covers the very bytes the broker stores, then hands bytes to a plain producer; the record's headers are
 * copied first, since a caller may send one headers object twice (Kafka makes it read-only once sent).
 */
final class SigningProducer<K, V> implements Producer<K, V> {

    private final Producer<byte[], byte[]> bytes;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final RecordProvenance provenance;

    SigningProducer(Producer<byte[], byte[]> bytes, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                    RecordProvenance provenance) {
        this.bytes = bytes;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.provenance = provenance;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        byte[] key = keySerializer.serialize(record.topic(), headers, record.key());
        byte[] value = valueSerializer.serialize(record.topic(), headers, record.value());
        provenance.sign(record.topic(), key, value, headers);
        return bytes.send(new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), key, value,
                headers), callback);
    }

    @Override
    public void initTransactions() {
        bytes.initTransactions();
    }

    @Override
    public void beginTransaction() {
        bytes.beginTransaction();
    }

    @Override
    @SuppressWarnings("deprecation")
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, String consumerGroupId) {
        bytes.sendOffsetsToTransaction(offsets, consumerGroupId);
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        bytes.sendOffsetsToTransaction(offsets, group);
    }

    @Override
    public void commitTransaction() {
        bytes.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        bytes.abortTransaction();
    }

    @Override
    public void flush() {
        bytes.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return bytes.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return bytes.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return bytes.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    @Override
    public void close(Duration timeout) {
        try {
            bytes.close(timeout);
        } finally {
            keySerializer.close();
            valueSerializer.close();
        }
    }
}
