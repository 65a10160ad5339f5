package fr.referralhub.status;

import java.util.List;
import java.util.stream.Collectors;

import fr.referralhub.kafka.DeadLetters;
import fr.referralhub.kafka.Outages;
import fr.referralhub.kafka.OversizedRecordException;
import fr.referralhub.topics.TopicCatalog;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Status reports on Kafka ({@code routes/service-status-intake.camel.yaml}): each enabled service of
 * {@code hub.services} gets its topic {@code status.<serviceId>}, created before the routes start
 * ({@link ServiceStatusTopics}).
 *
 * <p>Why one topic per service rather than one shared topic with a serviceId field: on a shared topic any service
 * allowed to write could report in another's name, and the hub could not tell; on its own topic the service's identity
 * is the topic, guarded by the broker's ACLs (the landlords' intake topics work the same way), so the Kafka channel
 * gives the same guarantee as the HTTP channel's API key.
 *
 * <p>Each report is judged exactly as over HTTP ({@link StatusReports#report}); a refused one (invalid, impossible
 * change, a referral not delivered to the service) is dead-lettered with its reasons, since there is nobody to answer;
 * one over {@link TopicCatalog#INTAKE_MAX_RECORD_BYTES} is refused unread; an outage fails the batch, which is consumed again (a re-sent statusEventId is recognised, nothing is doubled).
 */
@Component("serviceStatusIntake")
public class ServiceStatusIntake {

    private final StatusReports reports;
    private final DeadLetters deadLetters;

    public ServiceStatusIntake(StatusReports reports, DeadLetters deadLetters) {
        this.reports = reports;
        this.deadLetters = deadLetters;
    }

    /** Route step: judges and records every report of the batch; the refused ones are dead-lettered. */
    public void reportBatch(List<Exchange> records, Exchange batch) {
        for (Exchange record : records) {
            try {
                // Over the catalogue's limit: refused unread, dead-lettered as a digest (a report is a few hundred bytes).
                OversizedRecordException.check(record, TopicCatalog.INTAKE_MAX_RECORD_BYTES);
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
}
