/**
 * Provenance, the second lock behind the broker's ACLs: every record the hub writes carries {@code hub.provenance},
 * an HMAC of its topic, key, value and {@code hub.*} headers under a key derived from the pseudonymisation secret
 * (which every instance shares and nobody else has). The hub's consumers that decide or deliver something check it,
 * and the partner a record names, before using a record: a record the hub did not write, or for a partner the
 * registry does not know, is dead-lettered with the reason and counted, never decided nor delivered.
 */
package fr.referralhub.provenance;
