package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.referralhub.operations.Callers.AccessDenied;
import fr.referralhub.operations.Callers.Caller;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Who may list, inspect and replay dead letters, from the servlet API only. */
class CallersTest {

    @Test
    void shouldLetAViewerListButNeitherInspectNorReplay() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setUserPrincipal(() -> "alice");
        request.addUserRole(Callers.VIEWER);

        Caller caller = new Callers(true).of(request);

        assertThat(caller.name()).isEqualTo("alice");
        assertThat(caller.requireViewer()).isSameAs(caller);
        assertThatThrownBy(caller::requireOperator).isInstanceOf(AccessDenied.class)
                .hasMessage("This needs the OPERATOR role.")
                .satisfies(e -> assertThat(((AccessDenied) e).caller().authenticated()).isTrue());
    }

    @Test
    void shouldLetAnOperatorDoEverything() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setUserPrincipal(() -> "bob");
        request.addUserRole(Callers.OPERATOR);

        Caller caller = new Callers(true).of(request);

        assertThat(caller.requireOperator().requireViewer().name()).isEqualTo("bob");
    }

    @Test
    void shouldRefuseACallerWithoutLoginOrRoleWhenSecurityIsOn() {
        Caller anonymous = new Callers(true).of(new MockHttpServletRequest());
        assertThatThrownBy(anonymous::requireViewer).isInstanceOf(AccessDenied.class)
                .satisfies(e -> assertThat(((AccessDenied) e).caller().authenticated()).isFalse());

        MockHttpServletRequest noRole = new MockHttpServletRequest();
        noRole.setUserPrincipal(() -> "carol");
        assertThatThrownBy(() -> new Callers(true).of(noRole).requireViewer()).isInstanceOf(AccessDenied.class);
    }

    @Test
    void shouldTreatEveryCallerAsTheDevCallerWithEveryRoleWhenSecurityIsOff() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setUserPrincipal(() -> "ignored");

        Caller caller = new Callers(false).of(request);

        assertThat(caller.name()).isEqualTo(Callers.DEV_CALLER);
        assertThat(caller.requireOperator()).isSameAs(caller);
    }
}
