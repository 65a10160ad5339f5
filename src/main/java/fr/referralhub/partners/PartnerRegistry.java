package fr.referralhub.partners;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The partners loaded at start-up. It answers one question for intake: which enabled partner does this API key
 * belong to. Mistakes in the list (duplicate ids, a key hash that is not SHA-256 hex, a structure claimed by two
 * partners) stop the start-up, so a partner is never silently mis-attributed.
 */
@Component
public class PartnerRegistry {

    private static final Logger log = LoggerFactory.getLogger(PartnerRegistry.class);

    private final Map<String, Partner> byId = new LinkedHashMap<>();
    private final Map<String, Partner> byKeyHash = new LinkedHashMap<>();

    public PartnerRegistry(PartnerRegistryProperties properties) {
        Map<String, String> structureOwners = new LinkedHashMap<>();
        for (Partner partner : properties.partners()) {
            require(partner.id() != null && !partner.id().isBlank(), "a partner has no id");
            require(byId.putIfAbsent(partner.id(), partner) == null, "partner id '" + partner.id() + "' is declared twice");
            for (String structure : partner.structures()) {
                String owner = structureOwners.putIfAbsent(structure, partner.id());
                require(owner == null, "structure '" + structure + "' is claimed by partners '" + owner + "' and '"
                        + partner.id() + "'");
            }
            for (Partner.ApiKey key : partner.apiKeys()) {
                require(key.sha256() != null && key.sha256().matches("[0-9a-f]{64}"),
                        "API key '" + key.id() + "' of partner '" + partner.id() + "' must be a SHA-256 in lower-case hex");
                require(byKeyHash.putIfAbsent(key.sha256(), partner) == null,
                        "API key '" + key.id() + "' of partner '" + partner.id() + "' is also another partner's key");
            }
        }
        log.info("Partner registry: {} partners ({} enabled)", byId.size(),
                byId.values().stream().filter(Partner::enabled).count());
    }

    /** The enabled partner this key belongs to. */
    public Optional<Partner> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Optional.empty();
        }
        // The lookup is by hash, so the comparison never touches the key itself: no timing leak on the secret.
        return Optional.ofNullable(byKeyHash.get(sha256(apiKey.strip()))).filter(Partner::enabled);
    }

    /** A partner by id, enabled or not (file drops are matched to partners by their folder name). */
    public Optional<Partner> find(String partnerId) {
        return Optional.ofNullable(byId.get(partnerId));
    }

    public List<Partner> all() {
        return List.copyOf(byId.values());
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException("Invalid partner registry (hub.partners): " + problem);
        }
    }
}
