/**
 * Who may operate the hub: Spring Security in front of the Hawtio console, Jolokia, {@code /actuator} and the operator
 * APIs under {@code /ops}. Two roles: VIEWER (reads) and OPERATOR (also stops/starts routes, writes attributes, runs
 * operations such as a replay). Operators are declared in configuration ({@code hub.security.users}, bcrypt hashes).
 * The partner API ({@code /api/v1}) is not guarded here: the Camel routes check the partners' API keys.
 * {@code hub.security.enabled=false} (the dev profile only) opens everything and treats every caller as
 * "dev-anonymous" with both roles.
 */
package fr.referralhub.security;
