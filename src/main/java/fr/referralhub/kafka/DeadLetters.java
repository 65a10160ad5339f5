package fr.referralhub.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * Describes why a consumed record is dead-lettered, with Kafka Connect's {@code __connect.errors.*} headers, so
 * operators and existing tooling read it the same way. The record itself stays as it was consumed (original bytes
 * and key): the dead-letter channel uses the original message.
 */
@Component("deadLetters")
public class DeadLetters {

    public void describe(Exchange exchange) {
        Message message = exchange.getMessage();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        message.setHeader("__connect.errors.topic", message.getHeader(KafkaConstants.TOPIC, String.class));
        message.setHeader("__connect.errors.partition", String.valueOf(message.getHeader(KafkaConstants.PARTITION)));
        message.setHeader("__connect.errors.offset", String.valueOf(message.getHeader(KafkaConstants.OFFSET)));
        message.setHeader("__connect.errors.stage", "HUB_ROUTE");
        message.setHeader("__connect.errors.connector.name", exchange.getFromRouteId());
        message.setHeader("__connect.errors.exception.class.name", root == null ? "unknown" : root.getClass().getName());
        message.setHeader("__connect.errors.exception.message", root == null ? "unknown" : String.valueOf(root.getMessage()));
        message.setHeader("__connect.errors.exception.stacktrace", stackTrace(cause));
        message.setHeader("__connect.errors.timestamp", Instant.now().toString());
    }

    private static String stackTrace(Throwable cause) {
        if (cause == null) {
            return "";
        }
        StringWriter out = new StringWriter();
        cause.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        // Headers are not a log store: keep the top of the trace.
        return trace.length() > 4000 ? trace.substring(0, 4000) : trace;
    }
}
