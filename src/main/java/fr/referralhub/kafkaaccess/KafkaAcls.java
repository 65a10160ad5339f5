package fr.referralhub.kafkaaccess;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import fr.referralhub.avro.IntakeChannel;
import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.partners.Partner;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs the registries declare, and no others (the hub itself is the broker's super user):
 * <ul>
 * <li>a social landlord (channel {@code KAFKA_XML}) writes its intake topic only;</li>
 * <li>every referring partner reads its feedback topic only;</li>
 * <li>a counselling service reads its counselling topic and writes its status topic, nothing else;</li>
 * <li>each reads in consumer groups named after itself ({@code <id>.<anything>}), so no one joins another's group;</li>
 * <li>operators' tools describe topics, groups and the cluster (lag, configuration), and read no record.</li>
 * </ul>
 * A disabled partner or service gets nothing. Nobody but the hub writes a canonical topic.
 *
 * @param intakePrefix      {@code intake.}
 * @param feedbackPrefix    {@code feedback.}
 * @param counsellingPrefix {@code counselling.}
 * @param statusPrefix      {@code status.}
 */
public record KafkaAcls(String intakePrefix, String feedbackPrefix, String counsellingPrefix, String statusPrefix) {

    public static String principal(String id) {
        return "User:" + id;
    }

    public Set<AclBinding> declared(List<Partner> partners, List<CounsellingService> services, String ops) {
        Set<AclBinding> acls = new LinkedHashSet<>();
        for (Partner partner : partners) {
            if (!partner.enabled()) {
                continue;
            }
            if (partner.channel() == IntakeChannel.KAFKA_XML) {
                topic(acls, partner.id(), intakePrefix + partner.id(), AclOperation.WRITE);
            }
            topic(acls, partner.id(), feedbackPrefix + partner.id(), AclOperation.READ);
            ownGroups(acls, partner.id());
        }
        for (CounsellingService service : services) {
            if (!service.enabled()) {
                continue;
            }
            topic(acls, service.id(), counsellingPrefix + service.id(), AclOperation.READ);
            topic(acls, service.id(), statusPrefix + service.id(), AclOperation.WRITE);
            ownGroups(acls, service.id());
        }
        allow(acls, ops, new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL), AclOperation.DESCRIBE);
        allow(acls, ops, new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                AclOperation.DESCRIBE_CONFIGS);
        allow(acls, ops, new ResourcePattern(ResourceType.GROUP, "*", PatternType.LITERAL), AclOperation.DESCRIBE);
        allow(acls, ops, new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                AclOperation.DESCRIBE);
        return acls;
    }

    /** The operation on the topic, and DESCRIBE, which clients need to find its partitions. */
    private static void topic(Set<AclBinding> acls, String id, String topic, AclOperation operation) {
        ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
        allow(acls, id, pattern, operation);
        allow(acls, id, pattern, AclOperation.DESCRIBE);
    }

    private static void ownGroups(Set<AclBinding> acls, String id) {
        allow(acls, id, new ResourcePattern(ResourceType.GROUP, id + ".", PatternType.PREFIXED), AclOperation.READ);
    }

    private static void allow(Set<AclBinding> acls, String id, ResourcePattern pattern, AclOperation operation) {
        acls.add(new AclBinding(pattern, new AccessControlEntry(principal(id), "*", operation,
                AclPermissionType.ALLOW)));
    }
}
