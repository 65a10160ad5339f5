package fr.referralhub.api;

import java.io.IOException;
import java.io.Writer;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Tomcat's own error report, for what Tomcat refuses before any servlet of the hub sees the request (a path that
 * climbs above the root with {@code %2e%2e}, an encoded '/'...): {@code application/problem+json} like every other
 * refusal ({@link ErrorProblems}), where Tomcat writes an HTML page.
 */
public class ProblemReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's own report: nothing for a success, nor over a body already written.
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        ErrorProblems.Answer answer = ErrorProblems.answerFor(status, request.getMethod());
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(ProblemDetails.text(status, answer.type(), answer.title(), answer.detail()));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response committed meanwhile: the status line is all the caller gets.
        }
    }

    /**
     * Puts the valve in place of Tomcat's report on the host, once Spring Boot added its own (a plain
     * {@link ErrorReportValve} without server details), and names it as the host's error report class so Tomcat does
     * not add its default one again at start.
     */
    @Component
    static class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Container host = context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                        host.getPipeline().removeValve(valve);
                    }
                }
                host.getPipeline().addValve(new ProblemReportValve());
                if (host instanceof StandardHost standardHost) {
                    standardHost.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
            });
        }

        /** After Spring Boot's customizer, which adds its report valve. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
