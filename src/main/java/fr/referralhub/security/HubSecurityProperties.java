package fr.referralhub.security;

import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.security.*}: whether operator login is on, and the operators.
 *
 * <p>Each operator is a name, a password hash and roles; in environment variables:
 * {@code HUB_SECURITY_USERS_0_NAME=alice}, {@code HUB_SECURITY_USERS_0_PASSWORD_HASH='{bcrypt}$2a$12$...'},
 * {@code HUB_SECURITY_USERS_0_ROLES=OPERATOR}. Only hashes are configured, never passwords.
 *
 * @param enabled false only in the dev profile (everything open, server bound to 127.0.0.1)
 * @param users   the operators; at least one when enabled (the start-up fails otherwise)
 */
@ConfigurationProperties("hub.security")
public record HubSecurityProperties(@DefaultValue("true") boolean enabled, @DefaultValue List<User> users) {

    /** The two roles of the hub. OPERATOR includes what VIEWER may do. */
    public static final Set<String> ROLES = Set.of(Roles.VIEWER, Roles.OPERATOR);

    /**
     * One operator.
     *
     * @param name         login name
     * @param passwordHash a bcrypt hash with its {@code {bcrypt}} prefix (docs/operators.md: how to make one)
     * @param roles        VIEWER and/or OPERATOR
     */
    public record User(String name, String passwordHash, @DefaultValue List<String> roles) {

        /** Never the hash: toString() ends up in logs and start-up failure reports. */
        @Override
        public String toString() {
            return "User[name=" + name + ", roles=" + roles + "]";
        }
    }
}
