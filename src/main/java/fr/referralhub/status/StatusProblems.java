package fr.referralhub.status;

import java.util.Map;

import fr.referralhub.api.ProblemDetails;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** application/problem+json answers to refused status reports (same shape as the partner API's). */
@Component("statusProblems")
public class StatusProblems {

    private static final Logger log = LoggerFactory.getLogger(StatusProblems.class);

    public Map<String, Object> refused(Exchange exchange) {
        StatusReportRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                StatusReportRefusedException.class);
        log.info("Refused status report ({}): {}", exchange.getExchangeId(), refusal.getMessage());
        return ProblemDetails.answer(exchange, refusal, refusal.errors().isEmpty() ? refusal.kind().title() + "."
                : refusal.errors().get(0).field() + ": " + refusal.errors().get(0).reason());
    }
}
