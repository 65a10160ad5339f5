package fr.referralhub.http;

import fr.referralhub.intake.EmploymentAgencyEventReader;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Puts the HTTP server's limits on Tomcat: the read timeout of request bodies, then, in front of every servlet, the
 * limit of requests per client address ({@link RequestsPerClient}) and the partner API's bounded body read
 * ({@link PartnerRequestBodies}), in that order (a client over its limit is refused before anything of its body is
 * read). The request line and headers have {@code server.tomcat.connection-timeout}; Tomcat waits for them without
 * holding a thread.
 */
@Component
class HttpServerLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final HttpLimitsProperties limits;

    HttpServerLimits(HttpLimitsProperties limits) {
        this.limits = limits;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        int bodyTimeoutMillis = (int) limits.bodyTimeout().toMillis();
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http) {
                // By default a body read waits as long as the connection timeout allows an idle connection; a body is
                // expected to flow once its headers are sent.
                http.setDisableUploadTimeout(false);
                http.setConnectionUploadTimeout(bodyTimeoutMillis);
            }
        });
        factory.addContextValves(new RequestsPerClient(limits.maxRequestsPerClient()),
                new PartnerRequestBodies(EmploymentAgencyEventReader.MAX_BYTES, limits.bodyTimeout()));
    }
}
