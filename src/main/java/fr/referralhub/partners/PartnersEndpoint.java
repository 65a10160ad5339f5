package fr.referralhub.partners;

import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/** {@code /actuator/partners}: the partner registry as loaded, for operators. Key hashes are not shown. */
@Component
@Endpoint(id = "partners")
public class PartnersEndpoint {

    private final PartnerRegistry registry;

    public PartnersEndpoint(PartnerRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public List<Map<String, Object>> partners() {
        return registry.all().stream().map(partner -> Map.<String, Object>of(
                "id", partner.id(),
                "name", String.valueOf(partner.name()),
                "kind", String.valueOf(partner.kind()),
                "channel", String.valueOf(partner.channel()),
                "format", String.valueOf(partner.format()),
                "enabled", partner.enabled(),
                "structures", partner.structures(),
                "apiKeys", partner.apiKeys().stream().map(Partner.ApiKey::id).toList())).toList();
    }
}
