package fr.referralhub.partners;

import java.util.List;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;

/**
 * A partner organisation as the hub knows it: who it is, how it sends, which of its structures it may publish for,
 * and the hashes of its API keys (never the keys).
 *
 * @param id         stable id, used as partnerId on canonical records
 * @param name       readable name, for operators
 * @param structures codes of the structures (agencies, CFAs, landlords) this partner may publish for
 */
public record Partner(String id, String name, PartnerKind kind, IntakeChannel channel, String format, boolean enabled,
                      List<String> structures, List<ApiKey> apiKeys) {

    public Partner {
        structures = List.copyOf(structures == null ? List.of() : structures);
        apiKeys = List.copyOf(apiKeys == null ? List.of() : apiKeys);
    }

    public boolean mayPublishFor(String structureCode) {
        return structures.contains(structureCode);
    }

    /**
     * An API key by its SHA-256 (hex). Keys are random and long, so a fast hash is enough: there is no password to
     * protect from guessing, only a stored value that must not be usable if read.
     *
     * @param id label of the key (to rotate keys: add the new one, then remove the old one)
     */
    public record ApiKey(String id, String sha256) {
    }
}
