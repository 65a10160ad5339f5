package fr.referralhub.security;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;

import io.hawt.jmx.JMXSecurityMBean;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Tells the Hawtio console what the logged-in user may invoke, by the hub's Jolokia rules ({@link JolokiaPolicy}), so
 * the console greys out what the hub would refuse: a route's Stop and Start for a VIEWER, Camel's sendBody or
 * dumpHeap for everyone.
 *
 * <p>Why it matters: when Jolokia answers an exec with 403, Hawtio logs the user out ("Insufficient permissions"), and
 * its logout ends the hub's session too. Without this, a VIEWER who clicked Stop in the Routes tab, or an OPERATOR
 * who tried a refused operation in the JMX tab, lost the console (HawtioLoginBrowserTest).
 *
 * <p>How Hawtio finds it: the console searches {@code *:type=security,area=jmx,*} and prefers any MBean there over its
 * own always-yes {@code HawtioDummyJMXSecurity}, then asks {@code canInvoke} for every MBean and operation of its tree
 * (in one bulk request). The name stays in Hawtio's {@code hawtio:type=security} domain, which both Jolokia locks
 * already open to VIEWER and OPERATOR as a question. The answer is the caller's: Jolokia runs on the request's thread,
 * after Spring Security, so the security context holds the logged-in user (dev-anonymous with both roles in dev).
 * The guard and Jolokia's policy still decide; this only keeps the console from offering what they would refuse.
 */
@Component
public class HawtioPermissions implements JMXSecurityMBean, InitializingBean, DisposableBean {

    static final String NAME = "hawtio:type=security,area=jmx,name=ReferralHubJolokiaPolicy";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    public HawtioPermissions(ApplicationContext context) throws MalformedObjectNameException {
        // Another hub in the same JVM (tests) already has the name: this one gets its context's id added. Hawtio
        // takes any of them; they all answer for the caller of the request.
        ObjectName candidate = new ObjectName(NAME);
        for (int instance = 2; server.isRegistered(candidate); instance++) {
            candidate = new ObjectName(NAME + ",context=" + ObjectName.quote(context.getId() + "-" + instance));
        }
        this.name = candidate;
    }

    @Override
    public void afterPropertiesSet() throws JMException {
        server.registerMBean(new StandardMBean(this, JMXSecurityMBean.class), name);
    }

    @Override
    public void destroy() throws JMException {
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    /** Whether the console may show the MBean at all: every one but the diagnostic back doors (never read). */
    @Override
    public boolean canInvoke(String mbean) {
        return JolokiaPolicy.read(mbean) != JolokiaPolicy.Access.DENIED;
    }

    @Override
    public boolean canInvoke(String mbean, String operation) {
        return switch (JolokiaPolicy.exec(mbean, operation)) {
            case READ -> true;
            case OPERATE -> callerIsOperator();
            case DENIED -> false;
        };
    }

    @Override
    public boolean canInvoke(String mbean, String operation, String[] argumentTypes) {
        return canInvoke(mbean, operation + "(" + String.join(",", argumentTypes) + ")");
    }

    /** Hawtio's bulk question: for each MBean, each operation as {@code name(type,...)}; no operation: the MBean. */
    @Override
    public TabularData canInvoke(Map<String, List<String>> operationsByMBean) throws OpenDataException {
        TabularData answers = new TabularDataSupport(CAN_INVOKE_TABULAR_TYPE);
        for (Map.Entry<String, List<String>> entry : operationsByMBean.entrySet()) {
            String mbean = entry.getKey();
            List<String> operations = entry.getValue() == null ? List.of() : entry.getValue();
            if (operations.isEmpty()) {
                answers.put(row(mbean, "", canInvoke(mbean)));
            }
            for (String operation : operations) {
                answers.put(row(mbean, operation, canInvoke(mbean, operation)));
            }
        }
        return answers;
    }

    private static CompositeDataSupport row(String mbean, String operation, boolean allowed)
            throws OpenDataException {
        return new CompositeDataSupport(CAN_INVOKE_RESULT_ROW_TYPE, CAN_INVOKE_RESULT_COLUMNS,
                new Object[] {mbean, operation, allowed});
    }

    private static boolean callerIsOperator() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.getAuthorities().stream()
                .anyMatch(authority -> ("ROLE_" + Roles.OPERATOR).equals(authority.getAuthority()));
    }
}
