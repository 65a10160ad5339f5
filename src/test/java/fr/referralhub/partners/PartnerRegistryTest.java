package fr.referralhub.partners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import org.junit.jupiter.api.Test;

class PartnerRegistryTest {

    private static Partner partner(String id, boolean enabled, List<String> structures, String key) {
        return new Partner(id, id, PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "employment-agency-json-v1",
                enabled, structures, List.of(new Partner.ApiKey("k", PartnerRegistry.sha256(key))));
    }

    @Test
    void shouldFindTheEnabledPartnerOfAKey() {
        PartnerRegistry registry = new PartnerRegistry(new PartnerRegistryProperties(List.of(
                partner("a", true, List.of("A-1"), "key-a"), partner("b", false, List.of("B-1"), "key-b"))));

        assertThat(registry.authenticate("key-a")).map(Partner::id).contains("a");
        assertThat(registry.authenticate("key-b")).as("disabled").isEmpty();
        assertThat(registry.authenticate("key-c")).isEmpty();
        assertThat(registry.authenticate(null)).isEmpty();
    }

    @Test
    void shouldRefuseAListThatWouldMisattributeEvents() {
        assertThatThrownBy(() -> new PartnerRegistry(new PartnerRegistryProperties(List.of(
                partner("a", true, List.of("SHARED"), "key-a"), partner("b", true, List.of("SHARED"), "key-b")))))
                .hasMessageContaining("structure 'SHARED' is claimed by partners 'a' and 'b'");
        assertThatThrownBy(() -> new PartnerRegistry(new PartnerRegistryProperties(List.of(
                partner("a", true, List.of("A-1"), "same"), partner("b", true, List.of("B-1"), "same")))))
                .hasMessageContaining("also another partner's key");
        assertThatThrownBy(() -> new PartnerRegistry(new PartnerRegistryProperties(List.of(
                new Partner("a", "a", PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, "f", true, List.of(),
                        List.of(new Partner.ApiKey("plain", "not-a-hash")))))))
                .hasMessageContaining("must be a SHA-256");
    }
}
