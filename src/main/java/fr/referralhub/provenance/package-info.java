/**
 * Provenance, the second lock behind the broker's ACLs: every record the hub writes carries {@code hub.provenance},
 * an HMAC of its topic, key, value, {@code hub.*} headers and a dead letter's {@code __connect.errors.*} headers under
 * a key derived from the pseudonymisation secret (which every instance shares and nobody else has). The hub's consumers
 * of its topics check it, and the partner a record names, before using a record: a record the hub did not write, or
 * for a partner the registry does not know, is dead-lettered with the reason (or skipped, or shown flagged to
 * operators) and counted, never decided, delivered, put in force nor replayed.
 */
package fr.referralhub.provenance;
