package fr.referralhub.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * What a Jolokia request may do, by MBean and operation: the hub's least-privilege rules for the Hawtio console.
 * Two locks hold them: {@code src/main/resources/jolokia-access.xml}, Jolokia's own restrictor (it refuses whatever
 * reaches the agent by any path), and {@link JolokiaOperationGuard}, which applies this class before Jolokia, with the
 * caller's role, an audit record and a problem+json answer. The two must agree: JolokiaPolicyAgreementTest loads the
 * XML with Jolokia's PolicyRestrictor and checks it against this class, case by case.
 *
 * <ul>
 * <li>{@link Access#READ}: changes nothing, for VIEWER and OPERATOR: read, list, search, version, and the exec calls
 * that only answer questions (Hawtio's RBAC registry, Camel's route definitions and statistics, thread dumps).</li>
 * <li>{@link Access#OPERATE}: OPERATOR only, audited: a route's start, stop, suspend, resume, restart, reset of its
 * statistics; the hub's dead-letter MBean (count, list, replay).</li>
 * <li>{@link Access#DENIED}: for everyone, every other exec and every write. Among them, the ones that gave an operator
 * the host: Camel's {@code send*}/{@code request*} (a {@code file:} endpoint writes any file), {@code createEndpoint},
 * {@code updateRouteFromXml}, route removal; {@code HotSpotDiagnostic} ({@code dumpHeap} wrote a dump holding the
 * hub's secrets anywhere), {@code DiagnosticCommand} ({@code jvmtiAgentLoad}, {@code vmSystem...}), Flight Recorder,
 * attribute writes ({@code Threading}, {@code Memory}, Camel tracing, which would log message bodies), and Camel's
 * tracer and debugger (they show message bodies: personal data).</li>
 * </ul>
 *
 * <p>Operations match by name prefix ({@code stop} matches {@code stop()}, {@code stop(long)} and {@code stopAndFail}),
 * exactly as the XML's {@code stop*} does: Jolokia compares the operation string as sent, signature included.
 */
final class JolokiaPolicy {

    /** What a request may do and who may ask it. */
    enum Access { READ, OPERATE, DENIED }

    /**
     * The decision on one Jolokia request.
     *
     * @param type   read, exec, write... (lower case)
     * @param target for exec and write: {@code <mbean>/<operation or attribute>}, never the arguments or the value
     * @param reason why it is denied; null otherwise
     */
    record Decision(String type, Access access, String target, String reason) {

        /** Whether it changes something (or tries to): an exec or a write that is not a plain question. */
        boolean isChange() {
            return access != Access.READ;
        }
    }

    /** Request types that read. Anything else that is not exec (write, notification, config...) is denied. */
    static final Set<String> READING_TYPES = Set.of("read", "list", "search", "version");

    /** MBeans whose attributes are not even read: the JVM's diagnostic back doors. */
    static final List<ObjectName> UNREADABLE = List.of(
            name("com.sun.management:type=DiagnosticCommand"),
            name("com.sun.management:type=HotSpotDiagnostic"),
            name("jdk.management.jfr:type=FlightRecorder"));

    /** One MBean (or pattern of MBeans) and the operation name prefixes allowed on it, with their access. */
    record Rule(ObjectName mbean, Access access, List<String> operationPrefixes) {
    }

    /**
     * The allowed exec calls. Patterns must not overlap (Jolokia tries them in no defined order); several rules may
     * name the same MBean pattern here, but the XML must list each pattern once (a second entry replaces the first).
     */
    static final List<Rule> RULES = List.of(
            // Hawtio asking what the user may do, and for the JMX tree.
            new Rule(name("hawtio:type=security,*"), Access.READ, List.of("list", "canInvoke")),
            // Route definitions and statistics: the route diagram, source and statistics views.
            new Rule(name("org.apache.camel:type=context,*"), Access.READ, List.of("dump")),
            new Rule(name("org.apache.camel:type=routes,*"), Access.READ, List.of("dump")),
            // REST services and endpoint statistics tabs (paths, URIs and counts; no message content).
            new Rule(name("org.apache.camel:type=services,*"), Access.READ,
                    List.of("listRestServices", "endpointStatistics")),
            // Hawtio's Threads view.
            new Rule(name("java.lang:type=Threading"), Access.READ, List.of("dumpAllThreads", "findDeadlockedThreads",
                    "findMonitorDeadlockedThreads", "getThreadInfo", "getThreadCpuTime", "getThreadUserTime",
                    "getThreadAllocatedBytes")),
            // An operator may stop one partner's route, and start it again; suspend/resume; reset its statistics.
            new Rule(name("org.apache.camel:type=routes,*"), Access.OPERATE,
                    List.of("start", "stop", "suspend", "resume", "restart", "reset")),
            // The hub's dead letters (fr.referralhub.operations.DeadLettersMBean); a replay is audited there too.
            new Rule(name("fr.referralhub:type=DeadLetters,*"), Access.OPERATE,
                    List.of("count", "listDeadLetters", "replay")));

    private JolokiaPolicy() {
    }

    /** The decision on one request of a Jolokia POST body (a JSON object with type, mbean, operation...). */
    static Decision decide(JsonNode request) {
        String type = request.path("type").asText("(no type)").toLowerCase(Locale.ROOT);
        String mbean = request.path("mbean").asText("");
        return switch (type) {
            case "read" -> readDecision(mbean);
            case "list", "search", "version" -> new Decision(type, Access.READ, null, null);
            case "exec" -> {
                String operation = request.path("operation").asText("");
                String target = mbean + "/" + operation;
                Access access = exec(mbean, operation);
                yield new Decision(type, access, target, access == Access.DENIED
                        ? "this operation is not among those the console needs (docs/operators.md, Hawtio)" : null);
            }
            case "write" -> new Decision(type, Access.DENIED, mbean + "/" + request.path("attribute").asText("?"),
                    "attributes are never written through Jolokia");
            default -> new Decision(type, Access.DENIED, null, "Jolokia request type '" + type + "' is not served");
        };
    }

    /** A request known only by its type (a GET: its MBean is in the URL; exec and write must come as POST). */
    static Decision decideType(String type) {
        if (READING_TYPES.contains(type)) {
            return new Decision(type, Access.READ, null, null);
        }
        return new Decision(type, Access.DENIED, "(GET " + type + ")",
                "exec and write are served as POST only, where their MBean and operation are checked and audited");
    }

    private static Decision readDecision(String mbean) {
        return read(mbean) == Access.DENIED
                ? new Decision("read", Access.DENIED, mbean, "this MBean is not readable through Jolokia")
                : new Decision("read", Access.READ, null, null);
    }

    /** A read of an MBean's attributes: refused on the diagnostic MBeans; a pattern is left to Jolokia's policy. */
    static Access read(String mbean) {
        try {
            ObjectName name = new ObjectName(mbean);
            return UNREADABLE.contains(name) ? Access.DENIED : Access.READ;
        } catch (MalformedObjectNameException e) {
            // Jolokia answers a malformed name with an error of its own; nothing is read.
            return Access.READ;
        }
    }

    /** An exec: READ or OPERATE when a rule allows it, DENIED otherwise (also for a pattern or a malformed name). */
    static Access exec(String mbean, String operation) {
        ObjectName name;
        try {
            name = new ObjectName(mbean);
        } catch (MalformedObjectNameException e) {
            return Access.DENIED;
        }
        if (name.isPattern() || operation.isEmpty()) {
            return Access.DENIED;
        }
        for (Access access : List.of(Access.READ, Access.OPERATE)) {
            for (Rule rule : RULES) {
                if (rule.access() == access && rule.mbean().apply(name)
                        && rule.operationPrefixes().stream().anyMatch(operation::startsWith)) {
                    return access;
                }
            }
        }
        return Access.DENIED;
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
