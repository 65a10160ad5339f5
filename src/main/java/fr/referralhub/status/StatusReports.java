package fr.referralhub.status;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.api.FieldError;
import fr.referralhub.api.JsonErrorPosition;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.counselling.CounsellingService;
import fr.referralhub.counselling.ServiceRegistry;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.state.IntakeSubmissions;
import fr.referralhub.state.LedgerDecision;
import fr.referralhub.state.StatusChangeSummary;
import fr.referralhub.state.StatusMachine;
import fr.referralhub.status.StatusReportRefusedException.Kind;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Route step of {@code routes/service-status-reports.camel.yaml}: a counselling service reports what became of a
 * referral it received. The report is read and checked field by field (400/422), the referral must have been delivered
 * to this service (404 otherwise, the same answer as for an unknown referral, so a service learns nothing of referrals
 * that are not its own), the change must be possible from the current status ({@link StatusMachine}, 422 naming both),
 * and a report sent again under the same {@code statusEventId} gets the same answer and changes nothing (409 if it
 * says something else). The referral state (fr.referralhub.state) judges the change on the instance that owns the
 * referral and publishes it to {@code referral-status-changes.v1} in the same transaction, before the answer.
 */
@Component("statusReports")
public class StatusReports {

    /** Exchange property: the authenticated {@link CounsellingService}. */
    public static final String SERVICE = "hubCounsellingService";
    /** Each service's own topic for status reports: {@code status.<serviceId>}. */
    public static final String TOPIC_PREFIX = "status.";
    private static final Logger log = LoggerFactory.getLogger(StatusReports.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("status", "reasonCode", "comment", "occurredAt", "statusEventId");
    private static final int MAX_BODY = 16 * 1024;
    /** Clocks of services drift; a report from further in the future is a mistake. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final ServiceRegistry services;
    private final PartnerRegistry partners;
    private final IntakeSubmissions submissions;
    private final Clock clock = Clock.systemUTC();

    public StatusReports(ServiceRegistry services, PartnerRegistry partners, IntakeSubmissions submissions) {
        this.services = services;
        this.partners = partners;
        this.submissions = submissions;
    }

    /** Route step: the service behind the request's API key (401 otherwise). The key is never stored or logged. */
    public void authenticate(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String key = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7) : exchange.getMessage().getHeader("X-API-Key", String.class);
        CounsellingService service = services.authenticate(key).orElseThrow(() -> partners.authenticate(key).isPresent()
                ? StatusReportRefusedException.of(Kind.NOT_A_SERVICE, "Authorization", "this is a referring partner's "
                        + "key; statuses are reported by the counselling service the referral was delivered to")
                : StatusReportRefusedException.of(Kind.UNAUTHENTICATED, "Authorization",
                        "send your counselling service's API key as 'Authorization: Bearer <key>' (or 'X-API-Key: <key>')"));
        exchange.setProperty(SERVICE, service);
    }

    /** Route step: the HTTP report on the referral of the path; the body becomes the JSON answer's map. */
    public Map<String, Object> reportOverHttp(Exchange exchange) {
        CounsellingService service = exchange.getProperty(SERVICE, CounsellingService.class);
        String referralId = exchange.getMessage().getHeader("referralId", String.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().removeHeaders("*");
        Map<String, Object> answer = report(service.id(), referralId, read(body), "HTTP");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return answer;
    }

    /** Reads and checks a report's fields, every problem at once. */
    StatusReport read(byte[] body) {
        checkSize(body);
        return read(parse(body));
    }

    /**
     * A report published by a service on its topic {@code status.<serviceId>}: the same JSON as over HTTP plus the
     * {@code referralId} (which the HTTP path carries). The service is the topic's: who may write a topic is what the
     * broker's ACLs decide, as for the landlords' intake topics.
     */
    public void reportOverKafka(Exchange record) {
        String topic = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class);
        String serviceId = topic == null || !topic.startsWith(TOPIC_PREFIX) ? null : topic.substring(TOPIC_PREFIX.length());
        if (serviceId == null || services.find(serviceId).filter(CounsellingService::enabled).isEmpty()) {
            throw StatusReportRefusedException.of(Kind.UNAUTHENTICATED, "(topic)", "'" + topic
                    + "' is the topic of no enabled counselling service of hub.services");
        }
        byte[] body = record.getMessage().getBody(byte[].class);
        checkSize(body);
        ObjectNode json = parse(body);
        JsonNode referralId = json.remove("referralId");
        if (referralId == null || !referralId.isTextual() || referralId.asText().isBlank()) {
            throw StatusReportRefusedException.of(Kind.INVALID, "referralId", "required on Kafka: the referral's id");
        }
        report(serviceId, referralId.asText(), read(json), "KAFKA");
    }

    private static void checkSize(byte[] body) {
        if (body == null || body.length == 0) {
            throw StatusReportRefusedException.of(Kind.MALFORMED, "body", "a JSON object is expected");
        }
        if (body.length > MAX_BODY) {
            throw StatusReportRefusedException.of(Kind.TOO_LARGE, "body", "more than " + MAX_BODY + " bytes; a status "
                    + "report is a few hundred");
        }
    }

    private static ObjectNode parse(byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw StatusReportRefusedException.of(Kind.MALFORMED, "body", "not JSON" + JsonErrorPosition.of(e));
        }
        if (json == null || !json.isObject()) {
            throw StatusReportRefusedException.of(Kind.MALFORMED, "body", "a JSON object is expected");
        }
        return (ObjectNode) json;
    }

    private StatusReport read(ObjectNode json) {
        List<FieldError> errors = new ArrayList<>();
        json.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field; known fields are " + FIELDS));
            }
        });
        String statusEventId = text(json, "statusEventId", errors);
        if (statusEventId == null) {
            errors.add(new FieldError("statusEventId", "required: your own id of this report (a retry reuses it)"));
        } else if (statusEventId.isBlank() || statusEventId.length() > 100) {
            errors.add(new FieldError("statusEventId", "1 to 100 characters"));
        }
        String statusText = text(json, "status", errors);
        ReferralStatus status = null;
        if (statusText == null) {
            errors.add(new FieldError("status", "required, one of " + StatusMachine.SET_BY_SERVICES));
        } else {
            try {
                status = ReferralStatus.valueOf(statusText);
            } catch (IllegalArgumentException e) {
                // Reasons never repeat a field's value: they reach logs, dead-letter headers and operators' lists in
                // clear.
                errors.add(new FieldError("status", "is not a status; one of " + StatusMachine.SET_BY_SERVICES));
            }
        }
        if (status != null && !StatusMachine.SET_BY_SERVICES.contains(status)) {
            errors.add(new FieldError("status", StatusMachine.refusal(ReferralStatus.REQUESTED, status).orElseThrow()));
            status = null;
        }
        String reasonCode = text(json, "reasonCode", errors);
        if (status != null) {
            Set<String> codes = StatusReasons.codesFor(status);
            if (StatusMachine.NEED_A_REASON.contains(status) && reasonCode == null) {
                errors.add(new FieldError("reasonCode", "required for " + status + ", one of " + codes));
            } else if (reasonCode != null && codes.isEmpty()) {
                errors.add(new FieldError("reasonCode", status + " takes no reason code"));
            } else if (reasonCode != null && !codes.contains(reasonCode)) {
                errors.add(new FieldError("reasonCode", "is not a reason code of " + status + "; one of " + codes));
            }
        }
        String comment = text(json, "comment", errors);
        if (comment != null && comment.length() > 500) {
            errors.add(new FieldError("comment", "at most 500 characters"));
        }
        String occurredText = text(json, "occurredAt", errors);
        Instant occurredAt = null;
        if (occurredText != null) {
            try {
                occurredAt = OffsetDateTime.parse(occurredText).toInstant();
                if (occurredAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
                    errors.add(new FieldError("occurredAt", "in the future"));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("occurredAt",
                        "is not an ISO-8601 date-time with offset, e.g. 2026-11-23T10:15:00+01:00"));
            }
        }
        if (!errors.isEmpty()) {
            throw new StatusReportRefusedException(Kind.INVALID, errors);
        }
        return new StatusReport(statusEventId, status, reasonCode, comment, occurredAt);
    }

    private static String text(JsonNode json, String field, List<FieldError> errors) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "a string is expected"));
            return null;
        }
        return value.asText();
    }

    /**
     * Has the referral state judge one report of a service on a referral: the instance that owns the referral checks
     * it against the referral's status at the service and records it if it is a possible change, in the order reports
     * reach it, so two reports landing on two instances at once are judged one after the other.
     *
     * @return the answer (the same for a report sent again)
     */
    public Map<String, Object> report(String serviceId, String referralId, StatusReport report, String channel) {
        if (referralId == null) {
            throw StatusReportRefusedException.of(Kind.UNKNOWN_REFERRAL, "referralId", "required: the referral's id");
        }
        Instant now = clock.instant();
        ReferralStatusChange change = ReferralStatusChange.newBuilder()
                .setChangeId(StatusMachine.changeId(serviceId, referralId, report.statusEventId()))
                .setReferralId(referralId)
                .setServiceId(serviceId)
                .setStatusEventId(report.statusEventId())
                // Judged and set by the referral state, from the status it holds when the report reaches it.
                .setPreviousStatus(ReferralStatus.REQUESTED)
                .setStatus(report.status())
                .setReasonCode(report.reasonCode())
                .setComment(report.comment())
                .setChannel(channel)
                .setOccurredAt(report.occurredAt() == null ? now : report.occurredAt())
                .setRecordedAt(now)
                .build();
        LedgerDecision decision = submissions.await(submissions.submitStatus(change));
        return switch (decision.outcome()) {
            case ACCEPTED -> {
                log.info("Referral {} at service {}: {} -> {}", referralId, serviceId,
                        decision.change().previousStatus(), decision.change().status());
                yield answer(referralId, decision.change());
            }
            case DUPLICATE -> answer(referralId, decision.change());
            case CONFLICT -> throw StatusReportRefusedException.of(Kind.CONFLICT, "statusEventId", decision.reason());
            case IMPOSSIBLE_TRANSITION -> throw StatusReportRefusedException.of(Kind.IMPOSSIBLE_TRANSITION, "status",
                    decision.reason());
            // Unknown, or not delivered to this service: one answer, so a service learns nothing of others' referrals.
            case UNKNOWN_REFERRAL -> throw StatusReportRefusedException.of(Kind.UNKNOWN_REFERRAL, "referralId",
                    "no referral of this id was delivered to service '" + serviceId + "'");
            default -> throw new IllegalStateException("The referral state could not judge status event "
                    + report.statusEventId() + " of " + serviceId + ": " + decision.reason());
        };
    }

    private static Map<String, Object> answer(String referralId, StatusChangeSummary change) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("referralId", referralId);
        answer.put("serviceId", change.serviceId());
        answer.put("statusEventId", change.statusEventId());
        answer.put("changeId", change.changeId());
        answer.put("previousStatus", change.previousStatus());
        answer.put("status", change.status());
        answer.put("reasonCode", change.reasonCode());
        return answer;
    }
}
