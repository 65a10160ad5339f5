package fr.referralhub.counselling;

import java.util.List;

import fr.referralhub.partners.Partner;

/**
 * A counselling service that may report statuses: its id (the {@code serviceId} of its subscriptions, so
 * {@code counselling.<id>} is its topic), a readable name, and the hashes of its API keys (never the keys).
 */
public record CounsellingService(String id, String name, boolean enabled, List<Partner.ApiKey> apiKeys) {

    public CounsellingService {
        apiKeys = List.copyOf(apiKeys == null ? List.of() : apiKeys);
    }
}
