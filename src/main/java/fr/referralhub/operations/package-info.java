/**
 * Operators' tools: the dead letters of {@code dead-letters.v1} listed (metadata only), inspected (decrypted, for
 * the OPERATOR role, audited) and replayed into the route that failed (audited), over HTTP ({@code /ops/dead-letters})
 * and JMX ({@code fr.referralhub:type=DeadLetters}, for Hawtio). Who the caller is comes from the servlet API only
 * ({@link fr.referralhub.operations.Callers}), whatever authenticates it.
 */
package fr.referralhub.operations;
