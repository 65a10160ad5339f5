package fr.referralhub.http;

import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.http.common.CamelServlet;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The servlet the REST routes ({@code routes/referral-api.camel.yaml}) run on: Camel's own, mounted at the partner
 * API's path, in front of Spring MVC rather than behind it.
 *
 * <p>Why not Camel's platform-http on Spring Boot: it maps each route into Spring MVC and answers through an async
 * servlet request, so every request went through Spring Security's filters and the DispatcherServlet twice (once to
 * start, once more for the async dispatch that writes the answer), and a thread hand-off between. Measured with the
 * flow benchmark's CPU accounting (issue 14, docs/development.md): about a third of the request threads' CPU. Here a
 * request goes through the filters once and the route runs on Tomcat's request thread ({@code server.tomcat.threads}),
 * where waiting for the broker costs no CPU.
 */
@Configuration(proxyBeanMethods = false)
public class RestRoutesServlet {

    /** Where the servlet is mounted: the REST DSL's paths start with it ({@code routes/referral-api.camel.yaml}). */
    static final String MOUNT = "/api/v1/*";

    /**
     * Camel's servlet component, under the name Camel looks components up by. The servlet name links it to its servlet
     * through a registry that is one per JVM: unique per application, so hubs started side by side in one JVM (the
     * tests) each reach their own routes.
     */
    @Bean("servlet")
    ServletComponent servletComponent(@Qualifier("httpAnswerHeaders") HeaderFilterStrategy httpAnswerHeaders) {
        ServletComponent component = new ServletComponent();
        component.setServletName("camel-rest-" + UUID.randomUUID());
        // An answer carries only the headers the contract documents (fr.referralhub.api.HttpAnswerHeaders).
        component.setHeaderFilterStrategy(httpAnswerHeaders);
        return component;
    }

    @Bean
    ServletRegistrationBean<CamelHttpTransportServlet> restRoutes(ServletComponent servletComponent) {
        ServletRegistrationBean<CamelHttpTransportServlet> registration =
                new ServletRegistrationBean<>(new RestServlet(), MOUNT);
        registration.setName(servletComponent.getServletName());
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * Camel's servlet, seeing each request's whole path ({@code /api/v1/referrals}, where a servlet sees only what
     * follows its mount point), so the REST DSL, the OpenAPI document and the routes' endpoints in Hawtio all name
     * the paths partners call. And three answers it leaves to the routes made here, before a route runs, as HTTP wants
     * them:
     * <ul>
     * <li>a method the path does not take: a bare 405 from Camel; here with the methods it does take in an
     * {@code Allow} header (RFC 9110, 15.5.6);</li>
     * <li>{@code HEAD} where a {@code GET} is taken: the {@code GET}'s answer without its body, as HTTP wants of every
     * server;</li>
     * <li>a body that is not JSON: every REST operation that reads a body reads JSON ({@code consumes:
     * application/json}, checked against the OpenAPI document by ContractsTest), so any other {@code Content-Type},
     * or none, is a 415 rather than a JSON reader's 422 about a body it should not have read.</li>
     * </ul>
     * The refusals are then written as problem+json, like every refusal (fr.referralhub.api.ProblemReportValve).
     */
    static final class RestServlet extends CamelHttpTransportServlet {

        private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

        @Override
        protected void service(HttpServletRequest mounted, HttpServletResponse response) {
            HttpServletRequest request = new HttpServletRequestWrapper(mounted) {
                @Override
                public String getPathInfo() {
                    String below = mounted.getPathInfo();
                    return mounted.getServletPath() + (below == null ? "" : below);
                }
            };
            if ("HEAD".equals(request.getMethod()) && !takes(request, "HEAD") && takes(request, "GET")) {
                // What a GET would answer (RFC 9110, 9.3.2): Tomcat sends no body in answer to a HEAD request.
                service(new HttpServletRequestWrapper(mounted) {
                    @Override
                    public String getMethod() {
                        return "GET";
                    }
                }, response);
                return;
            }
            if (WITH_BODY.contains(request.getMethod()) && !isJson(request.getContentType())
                    && getServletResolveConsumerStrategy().resolve(request, getConsumers()) != null) {
                try {
                    response.sendError(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
                } catch (IOException e) {
                    // The client has gone: nothing to answer.
                }
                return;
            }
            super.service(request, new HttpServletResponseWrapper(response) {
                @Override
                public void sendError(int status) throws IOException {
                    if (status == SC_METHOD_NOT_ALLOWED) {
                        setHeader("Allow", allowed(request));
                    }
                    super.sendError(status);
                }
            });
        }

        private static boolean isJson(String contentType) {
            try {
                return contentType != null
                        && MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.APPLICATION_JSON);
            } catch (InvalidMediaTypeException e) {
                return false;
            }
        }

        private String allowed(HttpServletRequest request) {
            return CamelServlet.METHODS.stream()
                    .filter(method -> takes(request, method) || "HEAD".equals(method) && takes(request, "GET"))
                    .collect(Collectors.joining(", "));
        }

        private boolean takes(HttpServletRequest request, String method) {
            HttpServletRequest withMethod = new HttpServletRequestWrapper(request) {
                @Override
                public String getMethod() {
                    return method;
                }
            };
            return getServletResolveConsumerStrategy().resolve(withMethod, getConsumers()) != null;
        }
    }
}
