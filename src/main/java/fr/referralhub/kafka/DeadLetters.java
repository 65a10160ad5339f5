package fr.referralhub.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Dead letters of Kafka-consuming routes: a record that cannot be processed goes, exactly as it was consumed
 * (original key and bytes), to the dead-letter topic, with why, where and when in Kafka Connect's
 * {@code __connect.errors.*} headers so operators and existing tooling read it the same way.
 */
@Component("deadLetters")
public class DeadLetters {

    /** Exchange property: the route whose processing failed. */
    static final String FAILED_ROUTE = "hubFailedRoute";
    private static final String WRITER = "direct:dead-letter";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final ProducerTemplate producer;

    public DeadLetters(ProducerTemplate producer) {
        this.producer = producer;
    }

    /**
     * Dead-letters one consumed record and returns once the dead letter is acknowledged. A failure to write it is
     * thrown, never swallowed: the caller's batch then fails and is consumed again, so the record is not lost.
     */
    public void send(Exchange record, String routeId, Exception cause) {
        Message message = record.getMessage();
        log.warn("Dead-lettering record {}-{}@{} from route {}: {}", message.getHeader(KafkaConstants.TOPIC),
                message.getHeader(KafkaConstants.PARTITION), message.getHeader(KafkaConstants.OFFSET), routeId,
                cause.toString());
        record.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        record.setProperty(FAILED_ROUTE, routeId);
        producer.send(WRITER, record);
        if (record.getException() != null) {
            throw new IllegalStateException("Could not write a dead letter; the batch will be consumed again",
                    record.getException());
        }
    }

    /** Route step of {@code dead-letter-writer}: the {@code __connect.errors.*} headers. */
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
        message.setHeader("__connect.errors.connector.name", exchange.getProperty(FAILED_ROUTE, String.class));
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
