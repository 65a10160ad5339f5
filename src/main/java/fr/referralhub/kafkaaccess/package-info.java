/**
 * Who may do what on the broker: a Kafka principal (SASL/SCRAM-SHA-512) for each social landlord, counselling
 * service and referring partner, and one for operators' tools; ACLs derived from the partner and service registries
 * ({@link fr.referralhub.kafkaaccess.KafkaAcls}), applied at start-up
 * ({@link fr.referralhub.kafkaaccess.KafkaAccessProvisioner}). On with {@code hub.kafka-access.enabled}.
 */
package fr.referralhub.kafkaaccess;
