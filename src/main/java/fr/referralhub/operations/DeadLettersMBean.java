package fr.referralhub.operations;

import java.lang.management.ManagementFactory;
import java.security.AccessController;
import java.security.Principal;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.security.auth.Subject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.referralhub.operations.DeadLetterOperations.Filter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationContext;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.jmx.export.naming.SelfNaming;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Dead letters in Hawtio's JMX tab ({@value #NAME}): count, list (metadata, as JSON) and replay, for operators who
 * work from the console. Jolokia's exec is restricted to the OPERATOR role by the hub's security; a replay is audited
 * under the JMX user: the logged-in caller when it comes through Jolokia over HTTP, the JMX connector's subject
 * otherwise, else {@value #UNKNOWN_USER}. Inspecting an original (personal data) is HTTP-only.
 */
@Component
@ManagedResource(description = "Dead letters of the referral hub: count, list (metadata only) and replay")
public class DeadLettersMBean implements SelfNaming {

    public static final String NAME = "fr.referralhub:type=DeadLetters";
    static final String CHANNEL = "JMX";
    static final String UNKNOWN_USER = "jmx";

    private final DeadLetterOperations operations;
    private final ObjectMapper json;
    private final ObjectName name;

    public DeadLettersMBean(DeadLetterOperations operations, ObjectMapper json, ApplicationContext context)
            throws MalformedObjectNameException {
        this.operations = operations;
        this.json = json;
        // Another hub in the same JVM (tests) already has the name: this one gets its context's id added.
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName candidate = new ObjectName(NAME);
        for (int instance = 2; server.isRegistered(candidate); instance++) {
            candidate = new ObjectName(NAME + ",context=" + ObjectName.quote(context.getId() + "-" + instance));
        }
        this.name = candidate;
    }

    @Override
    public ObjectName getObjectName() {
        return name;
    }

    @ManagedOperation(description = "How many dead letters the topic holds")
    public long count() {
        return operations.count();
    }

    @ManagedOperation(description = "The newest dead letters, metadata only (JSON): id, when, source, reasons, replay state")
    @ManagedOperationParameter(name = "limit", description = "how many, 1 to 500")
    public String listDeadLetters(int limit) {
        try {
            return toJson(operations.list(limit, null, Filter.ALL));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    @ManagedOperation(description = "Re-submits a dead letter (id <partition>-<offset>) to the route that failed, "
            + "with its original ids; answers PUBLISHED, DUPLICATE or REFUSED with reasons (JSON)")
    @ManagedOperationParameter(name = "id", description = "dead letter id, e.g. 1-42")
    public String replay(String id) {
        try {
            return toJson(operations.replay(id, currentUser(), CHANNEL));
        } catch (DeadLetterNotFound | DeadLetterReplay.NotReplayable e) {
            // JMX clients (Hawtio, jconsole) know only the JDK's exception classes: keep the message, not the class.
            throw new IllegalArgumentException(e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    /** The JMX user: the HTTP caller of Jolokia, else the JMX connector's authenticated subject, else "jmx". */
    @SuppressWarnings("removal")
    static String currentUser() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            if (request.getUserPrincipal() != null) {
                return request.getUserPrincipal().getName();
            }
        }
        // Remote JMX (JMXConnectorServer with authentication) runs operations as the authenticated subject.
        try {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject != null) {
                return subject.getPrincipals().stream().map(Principal::getName).findFirst().orElse(UNKNOWN_USER);
            }
        } catch (UnsupportedOperationException removedInNewerJdks) {
            // Java 23+ without a security manager: no subject to read.
        }
        return UNKNOWN_USER;
    }

    private String toJson(Object value) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the answer as JSON", e);
        }
    }
}
