/** Camel-Kafka glue shared by the routes: offset commits and dead-letter descriptions. */
package fr.referralhub.kafka;
