package fr.referralhub.counselling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The counselling services allowed to report statuses, by API key.
 *
 * <p>Why a list of its own ({@code hub.services}) rather than entries of the partner registry: a partner is a referrer
 * that publishes referral events (its kind is the Avro {@code PartnerKind} of canonical records, with a channel, a
 * format and structures), a service is a receiver that only reports on what it was sent. Putting services in
 * {@code hub.partners} would need a new {@code PartnerKind} (a change of the canonical schema) and would let a
 * service's key submit referrals on {@code /api/v1/referrals}. Keys are stored the same way (SHA-256) and a key may
 * belong to one partner or one service, never both: the start-up stops otherwise, as it does for a malformed hash or
 * an id declared twice.
 */
@Component
public class ServiceRegistry {

    private static final Logger log = LoggerFactory.getLogger(ServiceRegistry.class);

    private final Map<String, CounsellingService> byId = new LinkedHashMap<>();
    private final Map<String, CounsellingService> byKeyHash = new LinkedHashMap<>();

    public ServiceRegistry(ServiceRegistryProperties properties, PartnerRegistry partners) {
        Map<String, String> partnerKeys = new LinkedHashMap<>();
        partners.all().forEach(p -> p.apiKeys().forEach(k -> partnerKeys.put(k.sha256(), p.id())));
        for (CounsellingService service : properties.services()) {
            require(service.id() != null && service.id().matches("[a-z0-9][a-z0-9-]{0,62}"),
                    "service id '" + service.id() + "' must be lower case letters, digits and dashes");
            require(byId.putIfAbsent(service.id(), service) == null, "service id '" + service.id() + "' is declared twice");
            for (Partner.ApiKey key : service.apiKeys()) {
                require(key.sha256() != null && key.sha256().matches("[0-9a-f]{64}"),
                        "API key '" + key.id() + "' of service '" + service.id() + "' must be a SHA-256 in lower-case hex");
                require(!partnerKeys.containsKey(key.sha256()), "API key '" + key.id() + "' of service '" + service.id()
                        + "' is also the key of partner '" + partnerKeys.get(key.sha256()) + "'");
                require(byKeyHash.putIfAbsent(key.sha256(), service) == null,
                        "API key '" + key.id() + "' of service '" + service.id() + "' is also another service's key");
            }
        }
        log.info("Service registry: {} counselling services ({} enabled)", byId.size(),
                byId.values().stream().filter(CounsellingService::enabled).count());
    }

    /** The enabled service this key belongs to. */
    public Optional<CounsellingService> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKeyHash.get(PartnerRegistry.sha256(apiKey.strip()))).filter(CounsellingService::enabled);
    }

    public List<CounsellingService> all() {
        return List.copyOf(byId.values());
    }

    public Optional<CounsellingService> find(String serviceId) {
        return Optional.ofNullable(byId.get(serviceId));
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException("Invalid service registry (hub.services): " + problem);
        }
    }
}
