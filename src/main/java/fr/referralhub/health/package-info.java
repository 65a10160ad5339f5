/**
 * What Kubernetes asks the hub: liveness (restart me?) stays about the JVM; readiness (send me traffic?) also needs the
 * Kafka cluster and the schema registry to answer. Each dependency check has a short timeout and its answer is reused
 * for a few seconds, so a probe storm does not hammer the broker or the registry.
 */
package fr.referralhub.health;
