package fr.referralhub.partners;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Route step, first of every HTTP intake flow: finds the partner behind the request's API key and keeps it on the
 * exchange ({@link #PARTNER}); readers then check the event's structure against it. The key itself is read from
 * the header and never stored or logged.
 */
@Component("partnerAuthentication")
public class PartnerAuthentication {

    /** Exchange property: the authenticated {@link Partner}. */
    public static final String PARTNER = "hubPartner";

    private final PartnerRegistry registry;

    public PartnerAuthentication(PartnerRegistry registry) {
        this.registry = registry;
    }

    public void authenticate(Exchange exchange) {
        Partner partner = registry.authenticate(apiKey(exchange)).orElseThrow(PartnerAccessDeniedException::unauthenticated);
        exchange.setProperty(PARTNER, partner);
    }

    private static String apiKey(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7);
        }
        return exchange.getMessage().getHeader("X-API-Key", String.class);
    }
}
