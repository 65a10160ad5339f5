/**
 * The embedded platform: a real in-process Kafka broker (KRaft) and a Confluent-compatible schema registry storing
 * its schemas in a compacted topic. It runs when no external Kafka or registry is configured (the zero-config
 * default and the tests); production points at real ones and nothing here starts.
 */
package fr.referralhub.embedded;
