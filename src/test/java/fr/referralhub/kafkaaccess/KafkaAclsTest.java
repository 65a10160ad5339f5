package fr.referralhub.kafkaaccess;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.avro.PartnerKind;
import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.partners.Partner;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The ACLs the registries declare: each actor its own topics and groups, nothing on the hub's topics. */
class KafkaAclsTest {

    private static final KafkaAcls ACLS = new KafkaAcls("intake.", "feedback.", "counselling.", "status.");
    private static final List<Partner> PARTNERS = List.of(
            partner("logis-hdf", PartnerKind.SOCIAL_LANDLORD, IntakeChannel.KAFKA_XML, true),
            partner("france-travail-93", PartnerKind.EMPLOYMENT_AGENCY, IntakeChannel.HTTP_JSON, true),
            partner("logis-old", PartnerKind.SOCIAL_LANDLORD, IntakeChannel.KAFKA_XML, false));
    private static final List<CounsellingService> SERVICES = List.of(
            new CounsellingService("adil-93", "ADIL 93", true, List.of()),
            new CounsellingService("closed-service", "Closed", false, List.of()));

    private final Set<AclBinding> declared = ACLS.declared(PARTNERS, SERVICES, "ops");

    @Test
    void shouldLetALandlordWriteOnlyItsIntakeTopicAndReadOnlyItsFeedback() {
        assertThat(topics("User:logis-hdf", AclOperation.WRITE)).containsExactly("intake.logis-hdf");
        assertThat(topics("User:logis-hdf", AclOperation.READ)).containsExactly("feedback.logis-hdf");
        assertThat(topics("User:france-travail-93", AclOperation.WRITE)).as("an HTTP partner writes nothing").isEmpty();
        assertThat(topics("User:france-travail-93", AclOperation.READ)).containsExactly("feedback.france-travail-93");
    }

    @Test
    void shouldLetAServiceReadOnlyItsCounsellingTopicAndWriteOnlyItsStatusTopic() {
        assertThat(topics("User:adil-93", AclOperation.READ)).containsExactly("counselling.adil-93");
        assertThat(topics("User:adil-93", AclOperation.WRITE)).containsExactly("status.adil-93");
        assertThat(declared).filteredOn(acl -> acl.pattern().resourceType() == ResourceType.GROUP
                && acl.entry().principal().equals("User:adil-93")).singleElement().satisfies(acl -> {
                    assertThat(acl.pattern().name()).isEqualTo("adil-93.");
                    assertThat(acl.pattern().patternType()).isEqualTo(PatternType.PREFIXED);
                });
    }

    @Test
    void shouldGrantNothingToDisabledActorsNothingOnCanonicalTopicsAndOnlyDescribeToOperators() {
        assertThat(declared).noneMatch(acl -> acl.entry().principal().equals("User:logis-old")
                || acl.entry().principal().equals("User:closed-service"));
        assertThat(declared).filteredOn(acl -> acl.pattern().resourceType() == ResourceType.TOPIC)
                .allSatisfy(acl -> assertThat(acl.pattern().name())
                        .matches("\\*|(intake|feedback|counselling|status)\\..+"));
        assertThat(declared).filteredOn(acl -> acl.entry().principal().equals("User:ops"))
                .allSatisfy(acl -> assertThat(acl.entry().operation())
                        .isIn(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS));
        assertThat(declared).noneMatch(acl -> acl.pattern().patternType() == PatternType.PREFIXED
                && acl.pattern().resourceType() == ResourceType.TOPIC);
    }

    private List<String> topics(String principal, AclOperation operation) {
        return declared.stream().filter(acl -> acl.pattern().resourceType() == ResourceType.TOPIC
                        && acl.entry().principal().equals(principal) && acl.entry().operation() == operation)
                .map(acl -> acl.pattern().name()).toList();
    }

    private static Partner partner(String id, PartnerKind kind, IntakeChannel channel, boolean enabled) {
        return new Partner(id, id, kind, channel, "format", enabled, List.of(id.toUpperCase()), List.of());
    }
}
