package fr.referralhub.timeline;

import java.util.List;
import java.util.Map;

import fr.referralhub.api.ProblemDetails;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.state.ReferralStateReads;
import fr.referralhub.state.ReferralSummary;
import fr.referralhub.timeline.TimelineRefusedException.Kind;
import fr.referralhub.timeline.TimelineView.Reader;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route steps of {@code routes/referral-timeline.camel.yaml}: who is asking (a partner's or a counselling service's
 * API key, 401 otherwise), whether the referral is theirs to read, and the answer.
 *
 * <p>Who may read: the partner that created the referral ({@link ReferralStateReads#summary}) and the services it was
 * delivered to ({@link ReferralSummary#deliveredTo()}). Anyone else gets exactly the answer of an unknown id (404 unknown-referral),
 * so nobody learns which ids exist. The keys are read from the headers, never stored or logged, and every request
 * header is dropped before the answer.
 */
@Component("referralTimeline")
public class TimelineReads {

    /** Exchange property: the authenticated {@link Reader}. */
    public static final String READER = "hubTimelineReader";
    private static final Logger log = LoggerFactory.getLogger(TimelineReads.class);

    private final PartnerRegistry partners;
    private final ServiceRegistry services;
    private final ReferralStateReads referralState;

    public TimelineReads(PartnerRegistry partners, ServiceRegistry services, ReferralStateReads referralState) {
        this.partners = partners;
        this.services = services;
        this.referralState = referralState;
    }

    /** Route step: the partner or service behind the request's API key (401 otherwise). */
    public void authenticate(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String key = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : exchange.getMessage().getHeader("X-API-Key", String.class);
        Reader reader = partners.authenticate(key).map(partner -> Reader.partner(partner.id()))
                .or(() -> services.authenticate(key).map(service -> Reader.service(service.id())))
                .orElseThrow(() -> TimelineRefusedException.unauthenticated());
        exchange.setProperty(READER, reader);
    }

    /** Route step: the timeline of the path's referral, as this reader may see it; the body becomes the JSON answer. */
    public Map<String, Object> timeline(Exchange exchange) {
        Reader reader = exchange.getProperty(READER, Reader.class);
        String referralId = exchange.getMessage().getHeader("referralId", String.class);
        exchange.getMessage().removeHeaders("*");
        Map<String, Object> answer = read(referralId, reader);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return answer;
    }

    /** The timeline of a referral for a reader; 404 (as for an unknown id) when it is not the reader's to see. */
    public Map<String, Object> read(String referralId, Reader reader) {
        ReferralSummary referrer = referralId == null ? null : referralState.summary(referralId).orElse(null);
        if (referrer == null) {
            throw TimelineRefusedException.unknownReferral();
        }
        List<String> deliveredTo = referrer.deliveredTo();
        boolean allowed = switch (reader.type()) {
            case PARTNER -> reader.id().equals(referrer.partnerId());
            case SERVICE -> deliveredTo.contains(reader.id());
        };
        if (!allowed) {
            throw TimelineRefusedException.unknownReferral();
        }
        return TimelineView.answer(referralId, referrer.partnerId(), referrer.creationEventId(), deliveredTo,
                referrer.history(), reader);
    }

    /** Error step of {@code http-problem-responses}: the application/problem+json answer of a refused request. */
    public Map<String, Object> refused(Exchange exchange) {
        TimelineRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, TimelineRefusedException.class);
        log.info("Timeline request refused ({}): {}", exchange.getExchangeId(), refusal.kind().type());
        return ProblemDetails.answer(exchange, refusal, refusal.detail());
    }
}
