package fr.referralhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.StaticApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * What the Hawtio console is told the logged-in user may invoke follows the hub's Jolokia rules and the caller's role:
 * a VIEWER is not offered a route's Stop (a refused exec would make Hawtio log it out), an OPERATOR is, and nobody is
 * offered what nobody may do. The browser side: HawtioLoginBrowserTest.
 */
class HawtioPermissionsTest {

    private static final String ROUTE =
            "org.apache.camel:context=referral-hub,type=routes,name=\"training-body-drop-retention\"";
    private static final String CONTEXT = "org.apache.camel:context=referral-hub,type=context,name=\"referral-hub\"";
    private static final String HEAP = "com.sun.management:type=HotSpotDiagnostic";

    private final HawtioPermissions permissions = newPermissions();

    @AfterEach
    void forgetCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void shouldOfferAViewerTheQuestionsOnly() throws Exception {
        loggedInAs(Roles.VIEWER);
        Map<String, Boolean> answers = ask(Map.of(
                ROUTE, List.of("stop()", "start()", "dumpRouteAsXml()"),
                CONTEXT, List.of("sendStringBody(java.lang.String,java.lang.String)", "dumpRoutesAsXml()"),
                HEAP, List.of("dumpHeap(java.lang.String,boolean)")));
        assertThat(answers).containsExactlyInAnyOrderEntriesOf(Map.of(
                ROUTE + "/stop()", false, ROUTE + "/start()", false, ROUTE + "/dumpRouteAsXml()", true,
                CONTEXT + "/sendStringBody(java.lang.String,java.lang.String)", false,
                CONTEXT + "/dumpRoutesAsXml()", true,
                HEAP + "/dumpHeap(java.lang.String,boolean)", false));
    }

    @Test
    void shouldOfferAnOperatorTheRouteButNotTheHost() throws Exception {
        loggedInAs(Roles.OPERATOR);
        Map<String, Boolean> answers = ask(Map.of(
                ROUTE, List.of("stop()", "start()"),
                CONTEXT, List.of("sendStringBody(java.lang.String,java.lang.String)"),
                HEAP, List.of("dumpHeap(java.lang.String,boolean)")));
        assertThat(answers).containsExactlyInAnyOrderEntriesOf(Map.of(
                ROUTE + "/stop()", true, ROUTE + "/start()", true,
                CONTEXT + "/sendStringBody(java.lang.String,java.lang.String)", false,
                HEAP + "/dumpHeap(java.lang.String,boolean)", false));
        assertThat(permissions.canInvoke(ROUTE, "stop", new String[0])).isTrue();
    }

    @Test
    void shouldAnswerForTheMBeanItselfAndRefuseWithoutACaller() throws Exception {
        // No operation listed: may the console use the MBean at all (the diagnostic ones are never read).
        assertThat(ask(Map.of(ROUTE, List.of(), HEAP, List.of())))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ROUTE + "/", true, HEAP + "/", false));
        // Outside a logged-in request (a JMX client of its own), nobody is an OPERATOR.
        assertThat(permissions.canInvoke(ROUTE, "stop()")).isFalse();
    }

    /** Hawtio's bulk question, answered as "mbean/operation" -> may invoke. */
    private Map<String, Boolean> ask(Map<String, List<String>> question) throws Exception {
        TabularData table = permissions.canInvoke(question);
        Map<String, Boolean> answers = new LinkedHashMap<>();
        for (Object row : table.values()) {
            CompositeData answer = (CompositeData) row;
            answers.put(answer.get("ObjectName") + "/" + answer.get("Method"), (Boolean) answer.get("CanInvoke"));
        }
        return answers;
    }

    private static void loggedInAs(String role) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "someone", null, AuthorityUtils.createAuthorityList("ROLE_" + role)));
    }

    private static HawtioPermissions newPermissions() {
        try {
            // Not registered (afterPropertiesSet is not called): the answers only.
            return new HawtioPermissions(new StaticApplicationContext());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
