package fr.referralhub.intake;

import java.util.List;
import java.util.Map;

import fr.referralhub.api.ProblemDetails;
import fr.referralhub.kafka.Outages;
import fr.referralhub.partners.PartnerAccessDeniedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * RFC 9457 {@code application/problem+json} answers for HTTP partners: a stable problem type, a title, and one
 * entry per bad field. Logs name the exchange and the reason, never the body (it holds personal data).
 */
@Component("problemResponses")
public class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    /** The event was refused: 400, 413 or 422 with field-level reasons. */
    public Map<String, Object> refused(Exchange exchange) {
        InvalidPartnerEventException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, InvalidPartnerEventException.class);
        log.info("Refused partner event ({}): {}", exchange.getExchangeId(), refusal.getMessage());
        return ProblemDetails.answer(exchange, refusal, refusal.errors().size() == 1
                ? "1 field is invalid; nothing was published."
                : refusal.errors().size() + " fields are invalid; nothing was published.");
    }

    /** 401 for an unknown or disabled API key, 403 for a structure that is not the partner's. */
    public Map<String, Object> accessDenied(Exchange exchange) {
        PartnerAccessDeniedException denial = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, PartnerAccessDeniedException.class);
        log.info("Partner request denied ({}): {}", exchange.getExchangeId(), denial.status());
        return denial.status() == 401
                ? problem(exchange, 401, "unauthenticated", "Unknown partner", denial.getMessage())
                : problem(exchange, 403, "forbidden-structure", "Structure not allowed", denial.getMessage());
    }

    /**
     * Kafka or the schema registry failed. A passing outage is 503 (the partner retries; the same event id is safe);
     * anything else, e.g. a schema the registry does not know, is a fault of the hub: 500, for the operators.
     */
    public Map<String, Object> infrastructureFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!Outages.isTransient(cause)) {
            return failed(exchange);
        }
        log.warn("Partner event not accepted, Kafka or schema registry unavailable ({}): {}", exchange.getExchangeId(),
                cause.toString());
        Map<String, Object> problem = problem(exchange, 503, "hub-unavailable", "Hub temporarily unavailable",
                "The event could not be stored durably; nothing was accepted. Retry later with the same idEvenement.");
        exchange.getMessage().setHeader("Retry-After", "30");
        return problem;
    }

    /** Anything unexpected: 500 without internals; the log has the exchange id to find it. */
    public Map<String, Object> failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        log.error("Partner event failed unexpectedly ({})", exchange.getExchangeId(), cause);
        return problem(exchange, 500, "internal-error", "Internal error",
                "The event was not accepted. Retry later with the same idEvenement; quote " + exchange.getExchangeId()
                        + " to the hub's operators.");
    }

    private static Map<String, Object> problem(Exchange exchange, int status, String type, String title, String detail) {
        return ProblemDetails.answer(exchange, status, type, title, detail, List.of());
    }
}
