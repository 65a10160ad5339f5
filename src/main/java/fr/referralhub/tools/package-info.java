/**
 * Small commands for the hub's partners and services, run from a clone with {@code ./mvnw -q compile exec:java}
 * (docs/partners.md, docs/services.md): they use the Kafka client alone, never the hub's Spring context.
 */
package fr.referralhub.tools;
