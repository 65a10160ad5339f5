/**
 * How every Kafka client of the hub reaches the cluster and logs in ({@link fr.referralhub.kafkaclient.KafkaConnection},
 * {@code hub.kafka.*}): one place, so a secured cluster (SASL/SCRAM, TLS) gets the hub's principal from all of them.
 */
package fr.referralhub.kafkaclient;
