package fr.referralhub.security;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Turns {@code hub.security.users} into Spring Security accounts, refusing a configuration that would leave the
 * console open or unusable: no operator at all, a clear-text password, an unknown role. Messages name the user and
 * the setting, never the hash.
 *
 * <p>An identity provider later (OIDC, e.g. Keycloak or the ministry's SSO) replaces this class: keep the role names
 * VIEWER/OPERATOR and map the provider's groups or claims onto them ({@code oauth2Login()} with a
 * {@code GrantedAuthoritiesMapper} producing ROLE_VIEWER/ROLE_OPERATOR); the rest of the security set-up stays.
 */
final class OperatorAccounts {

    /** {bcrypt} then a bcrypt hash ($2a$, $2b$ or $2y$, cost, 53 characters of salt and hash). */
    private static final Pattern BCRYPT = Pattern.compile("\\{bcrypt}\\$2[aby]?\\$\\d\\d\\$[./0-9A-Za-z]{53}");

    private OperatorAccounts() {
    }

    static InMemoryUserDetailsManager from(HubSecurityProperties properties) {
        List<HubSecurityProperties.User> users = properties.users();
        if (users.isEmpty()) {
            throw new IllegalStateException("""
                    hub.security.enabled is true but no operator is declared (hub.security.users is empty), so nobody \
                    could log in to the Hawtio console, Jolokia or /ops. Declare at least one, e.g. \
                    HUB_SECURITY_USERS_0_NAME=alice HUB_SECURITY_USERS_0_PASSWORD_HASH='{bcrypt}$2a$12$...' \
                    HUB_SECURITY_USERS_0_ROLES=OPERATOR (docs/operators.md: how to make a hash). There is no \
                    default password. Local development: run with the dev profile.""");
        }
        List<UserDetails> accounts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            HubSecurityProperties.User user = users.get(i);
            String where = "hub.security.users[" + i + "]";
            if (user.name() == null || user.name().isBlank()) {
                throw new IllegalStateException(where + ".name is missing");
            }
            where += " (" + user.name() + ")";
            if (!names.add(user.name())) {
                throw new IllegalStateException(where + " is declared twice");
            }
            if (user.passwordHash() == null || !BCRYPT.matcher(user.passwordHash()).matches()) {
                throw new IllegalStateException(where + ".password-hash must be a bcrypt hash with its {bcrypt} "
                        + "prefix, e.g. {bcrypt}$2a$12$... (a clear-text password is refused; docs/operators.md)");
            }
            if (user.roles().isEmpty() || !HubSecurityProperties.ROLES.containsAll(user.roles())) {
                throw new IllegalStateException(where + ".roles must be VIEWER and/or OPERATOR, got " + user.roles());
            }
            accounts.add(User.withUsername(user.name())
                    .password(user.passwordHash())
                    .roles(withImpliedRoles(user.roles()))
                    .build());
        }
        return new InMemoryUserDetailsManager(accounts);
    }

    /** An OPERATOR may do everything a VIEWER may: isUserInRole("VIEWER") is true for operators too. */
    static String[] withImpliedRoles(List<String> roles) {
        Set<String> all = new LinkedHashSet<>(roles);
        if (all.contains(Roles.OPERATOR)) {
            all.add(Roles.VIEWER);
        }
        return all.toArray(String[]::new);
    }
}
