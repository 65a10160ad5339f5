package fr.referralhub.kafka;

import fr.referralhub.schemaregistry.SchemaRegistryException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a passing outage (broker or schema registry unreachable or overloaded) from a failure that would happen
 * again on retry. An outage must never turn a valid event into a refusal or a dead letter: HTTP partners get 503 and
 * retry, Kafka batches are consumed again.
 */
public final class Outages {

    private Outages() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof SchemaRegistryException registry) {
                int status = registry.getHttpStatus();
                return status == SchemaRegistryException.NO_RESPONSE || status >= 500;
            }
        }
        return false;
    }
}
