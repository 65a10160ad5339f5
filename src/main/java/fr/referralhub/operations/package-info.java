/**
 * Operators' tools: metrics that are not a by-product of a single route (consumer lag, silent partners,
 * eligibility outcomes) with the health details that go with them; and the dead letters of {@code dead-letters.v1}
 * listed (metadata only), inspected (decrypted, for the OPERATOR role, audited) and replayed into the route that
 * failed (audited), over HTTP ({@code /ops/dead-letters}) and JMX ({@code fr.referralhub:type=DeadLetters}, for
 * Hawtio). Who the caller is comes from the servlet API only ({@link fr.referralhub.operations.Callers}), whatever
 * authenticates it.
 */
package fr.referralhub.operations;
