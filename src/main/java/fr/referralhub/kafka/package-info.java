/**
 * Camel-Kafka glue shared by the routes: offset commits, and dead letters (described in Kafka Connect's
 * {@code __connect.errors.*} headers, their original bytes encrypted by {@link fr.referralhub.kafka.DeadLetterCipher}).
 */
package fr.referralhub.kafka;
