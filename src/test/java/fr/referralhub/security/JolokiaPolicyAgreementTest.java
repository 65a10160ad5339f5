package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;

import javax.management.ObjectName;

import fr.referralhub.security.JolokiaPolicy.Access;
import org.jolokia.server.core.restrictor.policy.PolicyRestrictor;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two locks on Jolokia agree: jolokia-access.xml, as Jolokia's own PolicyRestrictor reads it, allows exactly the
 * exec calls {@link JolokiaPolicy} allows (to VIEWER or OPERATOR), and refuses the ones that gave an operator the host.
 * Operations are written as clients send them (with their signature), since that is what Jolokia compares.
 */
class JolokiaPolicyAgreementTest {

    private static final String CONTEXT = "org.apache.camel:context=referral-hub,type=context,name=\"referral-hub\"";
    private static final String ROUTE = "org.apache.camel:context=referral-hub,type=routes,name=\"social-landlord-intake\"";

    private static PolicyRestrictor jolokia;

    private record Case(String mbean, String operation, Access expected) {
    }

    private static final List<Case> CASES = List.of(
            // What the console asks, VIEWER included.
            new Case("hawtio:type=security,name=RBACRegistry", "list()", Access.READ),
            new Case("hawtio:type=security,area=jmx,name=HawtioDummyJMXSecurity", "canInvoke(java.util.Map)",
                    Access.READ),
            new Case(CONTEXT, "dumpRoutesAsXml(boolean,boolean)", Access.READ),
            new Case(CONTEXT, "dumpRoutesStatsAsXml(boolean,boolean)", Access.READ),
            new Case(ROUTE, "dumpRouteAsXml()", Access.READ),
            new Case(ROUTE, "dumpRouteStatsAsXml(boolean,boolean)", Access.READ),
            new Case("org.apache.camel:context=referral-hub,type=services,name=DefaultRestRegistry",
                    "listRestServices()", Access.READ),
            new Case("java.lang:type=Threading", "dumpAllThreads(boolean,boolean)", Access.READ),
            // What an OPERATOR may do.
            new Case(ROUTE, "stop()", Access.OPERATE),
            new Case(ROUTE, "stop", Access.OPERATE),
            new Case(ROUTE, "stop(long)", Access.OPERATE),
            new Case(ROUTE, "start()", Access.OPERATE),
            new Case(ROUTE, "suspend()", Access.OPERATE),
            new Case(ROUTE, "resume()", Access.OPERATE),
            new Case(ROUTE, "reset(boolean)", Access.OPERATE),
            new Case("fr.referralhub:type=DeadLetters", "replay(java.lang.String)", Access.OPERATE),
            new Case("fr.referralhub:type=DeadLetters,context=\"test-2\"", "listDeadLetters(int)", Access.OPERATE),
            // What nobody may do.
            new Case(CONTEXT, "sendStringBody(java.lang.String,java.lang.String)", Access.DENIED),
            new Case(CONTEXT, "sendBody(java.lang.String,java.lang.Object)", Access.DENIED),
            new Case(CONTEXT, "sendBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)", Access.DENIED),
            new Case(CONTEXT, "requestBody(java.lang.String,java.lang.Object)", Access.DENIED),
            new Case(CONTEXT, "createEndpoint(java.lang.String)", Access.DENIED),
            new Case(CONTEXT, "stop()", Access.DENIED),
            new Case(ROUTE, "updateRouteFromXml(java.lang.String)", Access.DENIED),
            new Case(ROUTE, "remove()", Access.DENIED),
            new Case("org.apache.camel:context=referral-hub,type=tracer,name=BacklogTracer",
                    "dumpAllTracedMessagesAsXml()", Access.DENIED),
            new Case("org.apache.camel:context=referral-hub,type=endpoints,name=\"file://x\"", "sendBody", Access.DENIED),
            new Case("com.sun.management:type=HotSpotDiagnostic", "dumpHeap(java.lang.String,boolean)", Access.DENIED),
            new Case("com.sun.management:type=HotSpotDiagnostic", "setVMOption(java.lang.String,java.lang.String)",
                    Access.DENIED),
            new Case("com.sun.management:type=DiagnosticCommand", "jvmtiAgentLoad([Ljava.lang.String;)",
                    Access.DENIED),
            new Case("com.sun.management:type=DiagnosticCommand", "vmSystemProperties()", Access.DENIED),
            new Case("jdk.management.jfr:type=FlightRecorder", "startRecording(long)", Access.DENIED),
            new Case("java.lang:type=Runtime", "getSystemProperties()", Access.DENIED),
            new Case("java.lang:type=Memory", "gc()", Access.DENIED),
            new Case("java.lang:type=Threading", "setThreadCpuTimeEnabled(boolean)", Access.DENIED),
            new Case("jolokia:type=Config", "debugInfo()", Access.DENIED),
            // A pattern never names one MBean to run an operation on.
            new Case("org.apache.camel:type=routes,*", "stop()", Access.DENIED));

    @BeforeAll
    static void loadPolicy() throws Exception {
        try (InputStream policy = JolokiaPolicyAgreementTest.class.getResourceAsStream("/jolokia-access.xml")) {
            assertThat(policy).as("jolokia-access.xml on the classpath, where Jolokia looks by default").isNotNull();
            jolokia = new PolicyRestrictor(policy);
        }
    }

    @Test
    void shouldAllowInJolokiasPolicyExactlyWhatTheGuardAllows() throws Exception {
        for (Case c : CASES) {
            assertThat(JolokiaPolicy.exec(c.mbean(), c.operation())).as("guard: %s %s", c.mbean(), c.operation())
                    .isEqualTo(c.expected());
            if (!new ObjectName(c.mbean()).isPattern()) {
                assertThat(jolokia.isOperationAllowed(new ObjectName(c.mbean()), c.operation()))
                        .as("jolokia-access.xml: %s %s", c.mbean(), c.operation())
                        .isEqualTo(c.expected() != Access.DENIED);
            }
        }
    }

    @Test
    void shouldReadEverythingButTheDiagnosticMBeansAndWriteNothing() throws Exception {
        for (String type : List.of("read", "list", "search", "version")) {
            assertThat(jolokia.isTypeAllowed(RequestType.getTypeByName(type))).as(type).isTrue();
        }
        assertThat(jolokia.isTypeAllowed(RequestType.WRITE)).isFalse();
        assertThat(jolokia.isTypeAllowed(RequestType.EXEC)).as("exec only where <allow> says").isFalse();
        assertThat(jolokia.isAttributeReadAllowed(new ObjectName("java.lang:type=Memory"), "HeapMemoryUsage")).isTrue();
        assertThat(jolokia.isAttributeReadAllowed(new ObjectName(ROUTE), "State")).isTrue();
        assertThat(JolokiaPolicy.read(ROUTE)).isEqualTo(Access.READ);
        for (ObjectName unreadable : JolokiaPolicy.UNREADABLE) {
            assertThat(jolokia.isAttributeReadAllowed(unreadable, "DiagnosticOptions")).as(unreadable.toString())
                    .isFalse();
            assertThat(JolokiaPolicy.read(unreadable.toString())).isEqualTo(Access.DENIED);
        }
        assertThat(jolokia.isAttributeWriteAllowed(new ObjectName("java.lang:type=Threading"), "ThreadCpuTimeEnabled"))
                .isFalse();
        assertThat(jolokia.isAttributeWriteAllowed(new ObjectName(ROUTE), "Tracing")).isFalse();
    }
}
