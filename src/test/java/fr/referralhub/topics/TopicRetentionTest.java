package fr.referralhub.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import fr.referralhub.counselling.CounsellingTopics;
import fr.referralhub.testing.HubTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The topics the hub creates keep personal data as DOMAIN.md says: a referral's record two years (its timeline and
 * statuses are rebuilt from it, so it must not go sooner), the copies for services thirty days.
 */
@HubTest
class TopicRetentionTest {

    private static final String TWO_YEARS = String.valueOf(730L * 24 * 3600 * 1000);
    private static final String THIRTY_DAYS = String.valueOf(30L * 24 * 3600 * 1000);

    @Value("${hub.kafka.bootstrap-servers}")
    String bootstrapServers;
    @Autowired
    HubTopicProperties names;
    @Autowired
    CounsellingTopics families;

    @Test
    void shouldKeepAReferralsRecordTwoYearsAndServicesCopiesThirtyDays() throws Exception {
        String feedback = families.feedbackTopic("retention-check");
        String counselling = families.counsellingTopic("retention-check");

        Map<String, String> retention = retentionOf(List.of(names.referrals(), names.eligibilityDecisions(),
                names.referralStatusChanges(),
                names.deadLetters(), names.operatorAudit(), feedback, counselling, names.webhookDeliveries()));

        assertThat(retention).containsEntry(names.referrals(), TWO_YEARS)
                .containsEntry(names.eligibilityDecisions(), TWO_YEARS)
                .containsEntry(names.referralStatusChanges(), TWO_YEARS)
                .containsEntry(names.deadLetters(), TWO_YEARS)
                .containsEntry(names.operatorAudit(), TWO_YEARS)
                .containsEntry(feedback, TWO_YEARS)
                .containsEntry(counselling, THIRTY_DAYS)
                .containsEntry(names.webhookDeliveries(), THIRTY_DAYS);
    }

    private Map<String, String> retentionOf(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            return configs.entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().name(), e -> e.getValue().get("retention.ms").value()));
        }
    }
}
