package fr.referralhub.operations;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Who calls an operator API, and what they may do, from the servlet API alone ({@code getUserPrincipal},
 * {@code isUserInRole}): whatever authenticates callers (Spring Security, a container realm) fills it in. With
 * {@code hub.security.enabled=false} (dev profile only) every caller is {@value #DEV_CALLER} with every role.
 */
@Component
public class Callers {

    /** Reads dead letters' metadata. */
    public static final String VIEWER = "VIEWER";
    /** Sees the decrypted originals (personal data) and replays. */
    public static final String OPERATOR = "OPERATOR";
    public static final String DEV_CALLER = "dev-anonymous";

    private final boolean securityEnabled;

    public Callers(@Value("${hub.security.enabled:true}") boolean securityEnabled) {
        this.securityEnabled = securityEnabled;
    }

    /** The caller of an operator API; a caller with no login has no role. */
    public record Caller(String name, boolean authenticated, boolean viewer, boolean operator) {

        /** @throws AccessDenied unless the caller may read metadata (VIEWER or OPERATOR) */
        public Caller requireViewer() {
            if (!viewer && !operator) {
                throw new AccessDenied(this, "the " + VIEWER + " or " + OPERATOR + " role");
            }
            return this;
        }

        /** @throws AccessDenied unless the caller has the OPERATOR role */
        public Caller requireOperator() {
            if (!operator) {
                throw new AccessDenied(this, "the " + OPERATOR + " role");
            }
            return this;
        }
    }

    /** The caller lacks a login (401) or a role (403). */
    public static class AccessDenied extends RuntimeException {
        private final transient Caller caller;

        AccessDenied(Caller caller, String needed) {
            super(caller.authenticated() ? "This needs " + needed + "." : "This needs a login with " + needed + ".");
            this.caller = caller;
        }

        public Caller caller() {
            return caller;
        }
    }

    public Caller of(HttpServletRequest request) {
        if (!securityEnabled) {
            return new Caller(DEV_CALLER, true, true, true);
        }
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return new Caller("anonymous", false, false, false);
        }
        return new Caller(principal.getName(), true, request.isUserInRole(VIEWER), request.isUserInRole(OPERATOR));
    }
}
