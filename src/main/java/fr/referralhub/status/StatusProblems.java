package fr.referralhub.status;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** application/problem+json answers to refused status reports (same shape as the partner API's). */
@Component("statusProblems")
public class StatusProblems {

    private static final String TYPE_BASE = "https://referral-hub.example/problems/";
    private static final Logger log = LoggerFactory.getLogger(StatusProblems.class);

    public Map<String, Object> refused(Exchange exchange) {
        StatusReportRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT,
                StatusReportRefusedException.class);
        log.info("Refused status report ({}): {}", exchange.getExchangeId(), refusal.getMessage());
        int status = refusal.kind().status();
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
        if (status == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", TYPE_BASE + refusal.kind().type());
        problem.put("title", refusal.kind().title());
        problem.put("status", status);
        problem.put("detail", refusal.errors().isEmpty() ? refusal.kind().title() + "."
                : refusal.errors().get(0).field() + ": " + refusal.errors().get(0).reason());
        problem.put("errors", refusal.errors().stream().map(e -> Map.of("field", e.field(), "reason", e.reason())).toList());
        return problem;
    }
}
