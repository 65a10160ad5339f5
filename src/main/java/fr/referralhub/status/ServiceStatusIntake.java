package fr.referralhub.status;

import java.util.List;
import java.util.stream.Collectors;

import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Status reports on Kafka ({@code routes/service-status-intake.camel.yaml}): each enabled service of
 * {@code hub.services} gets its topic {@code status.<serviceId>}, created before the routes start.
 *
 * <p>Why one topic per service rather than one shared topic with a serviceId field: on a shared topic any service
 * allowed to write could report in another's name, and the hub could not tell; on its own topic the service's identity
 * is the topic, guarded by the broker's ACLs (the landlords' intake topics work the same way), so the Kafka channel
 * gives the same guarantee as the HTTP channel's API key.
 *
 * <p>Each report is judged exactly as over HTTP ({@link StatusReports#report}); a refused one (invalid, impossible
 * change, a referral not delivered to the service) is dead-lettered with its reasons, since there is nobody to answer;
 * an outage fails the batch, which is consumed again (a re-sent statusEventId is recognised, nothing is doubled).
 */
@Component("serviceStatusIntake")
public class ServiceStatusIntake implements SmartLifecycle {

    private final StatusReports reports;
    private final DeadLetters deadLetters;
    private final ServiceRegistry services;
    private final HubTopicProperties properties;
    private final String bootstrapServers;
    private volatile boolean running;

    public ServiceStatusIntake(StatusReports reports, DeadLetters deadLetters, ServiceRegistry services,
                               HubTopicProperties properties, @Value("${hub.kafka.bootstrap-servers}") String bootstrapServers) {
        this.reports = reports;
        this.deadLetters = deadLetters;
        this.services = services;
        this.properties = properties;
        this.bootstrapServers = bootstrapServers;
    }

    /** Route step: judges and records every report of the batch; the refused ones are dead-lettered. */
    public void reportBatch(List<Exchange> records, Exchange batch) {
        for (Exchange record : records) {
            try {
                reports.reportOverKafka(record);
            } catch (StatusReportRefusedException refused) {
                record.getMessage().setHeader(DeadLetters.REASONS, refused.errors().stream()
                        .map(e -> e.field() + " " + e.reason()).collect(Collectors.joining("; ")));
                deadLetters.send(record, batch.getFromRouteId(), refused);
            } catch (RuntimeException e) {
                if (Outages.isTransient(e)) {
                    throw e;
                }
                deadLetters.send(record, batch.getFromRouteId(), e);
            }
        }
    }

    @Override
    public void start() {
        TopicProvisioner.createMissing(bootstrapServers, services.all().stream().filter(CounsellingService::enabled)
                .map(service -> new NewTopic(StatusReports.TOPIC_PREFIX + service.id(), properties.partitions(),
                        properties.replicationFactor()))
                .toList(), "the counselling services' status topics");
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** With the hub's other topics, before Camel. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE;
    }
}
