/** The hub's Kafka contract: which topics exist, what their keys and Avro values are, and their creation. */
package fr.referralhub.topics;
