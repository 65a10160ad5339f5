package fr.referralhub.kafkaaccess;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.intake.SocialLandlordIntake;
import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.status.StatusReports;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.StartUpStep;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * At start-up, before any route reads or writes: stores each configured principal's SCRAM-SHA-512 credentials in the
 * cluster, grants the ACLs the registries declare ({@link KafkaAcls}) and revokes any other ACL of those principals,
 * so nobody keeps a right the registries no longer give (a partner disabled or removed, a service renamed). A partner
 * or service added to a registry gets its rights at the next start. The hub needs the right to alter the cluster's
 * ACLs and credentials (on the embedded broker it is the super user).
 */
@Component
@ConditionalOnProperty(name = "hub.kafka-access.enabled", havingValue = "true")
public class KafkaAccessProvisioner extends StartUpStep {

    private static final Logger log = LoggerFactory.getLogger(KafkaAccessProvisioner.class);
    /** Above Kafka's minimum for SCRAM-SHA-512 (4096), as Kafka's own tools default to. */
    private static final int ITERATIONS = 8192;
    private static final long TIMEOUT_SECONDS = 30;

    private final KafkaConnection kafka;
    private final KafkaAccessProperties properties;
    private final PartnerRegistry partners;
    private final ServiceRegistry services;
    private final KafkaAcls acls;

    @Autowired
    public KafkaAccessProvisioner(KafkaConnection kafka,
                                  KafkaAccessProperties properties, PartnerRegistry partners, ServiceRegistry services,
                                  HubTopicProperties topics) {
        this(kafka, properties, partners, services, new KafkaAcls(SocialLandlordIntake.TOPIC_PREFIX,
                topics.feedbackPrefix(), topics.counsellingPrefix(), StatusReports.TOPIC_PREFIX));
    }

    KafkaAccessProvisioner(KafkaConnection kafka, KafkaAccessProperties properties, PartnerRegistry partners,
                           ServiceRegistry services, KafkaAcls acls) {
        // With the topics, before Camel's routes connect anyone.
        super(TopicProvisioner.PHASE);
        this.kafka = kafka;
        this.properties = properties;
        this.partners = partners;
        this.services = services;
        this.acls = acls;
    }

    @Override
    protected void run() {
        Set<AclBinding> declared = acls.declared(partners.all(), services.all(), properties.opsPrincipal());
        Set<String> managed = new HashSet<>();
        declared.forEach(acl -> managed.add(acl.entry().principal()));
        properties.credentials().keySet().forEach(id -> managed.add(KafkaAcls.principal(id)));
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of()))) {
            storeCredentials(admin);
            Collection<AclBinding> existing = admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<AclBindingFilter> revoked = new ArrayList<>();
            for (AclBinding acl : existing) {
                if (managed.contains(acl.entry().principal()) && !declared.contains(acl)) {
                    revoked.add(acl.toFilter());
                }
            }
            if (!revoked.isEmpty()) {
                admin.deleteAcls(revoked).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            List<AclBinding> granted = declared.stream().filter(acl -> !existing.contains(acl)).toList();
            if (!granted.isEmpty()) {
                admin.createAcls(granted).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            log.info("Kafka access: {} principals with credentials, {} ACLs in force ({} granted, {} revoked); "
                    + "partners and services connect to {}", properties.credentials().size(), declared.size(),
                    granted.size(), revoked.size(), properties.bootstrapServers());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot apply the Kafka principals and ACLs (hub.kafka-access) on "
                    + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while applying the Kafka ACLs", e);
        }
    }

    private void storeCredentials(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        properties.credentials().forEach((principal, password) -> upserts.add(new UserScramCredentialUpsertion(
                principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password)));
        if (!upserts.isEmpty()) {
            admin.alterUserScramCredentials(upserts).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
