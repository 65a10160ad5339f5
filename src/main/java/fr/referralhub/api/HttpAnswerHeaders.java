package fr.referralhub.api;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.springframework.stereotype.Component;

/**
 * Which message headers of a Camel HTTP flow become headers of its answer: only those the contract names. A flow's
 * message carries the record's Kafka headers ({@code kafka.KEY}: a person's pseudonym), the hub's tracing headers
 * ({@code hub.*}), Camel's own and, on a refusal taken early, the request's (its API key among them); none of them is
 * the partner's business. Set on the servlet component the REST routes run on
 * ({@code fr.referralhub.http.RestRoutesServlet}), so it holds for every REST route, successes and
 * refusals alike, without each route having to clean up after itself.
 *
 * <p>The status code and {@code Content-Type} are not copied as headers: Camel's HTTP binding sets them from
 * {@code CamelHttpResponseCode} and {@code Content-Type}. Request headers still reach the flows (the API key is read
 * there); the inbound side is Camel's usual HTTP filter.
 */
@Component("httpAnswerHeaders")
public class HttpAnswerHeaders extends HttpHeaderFilterStrategy {

    /**
     * Headers a flow may answer besides its status and content type (lower case), as the OpenAPI contract declares
     * them: a 401's challenge, a 503's delay before retrying, a 202 answered on receipt (RFC 7240).
     */
    static final Set<String> FROM_FLOWS = Set.of("www-authenticate", "retry-after", "preference-applied");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !FROM_FLOWS.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
