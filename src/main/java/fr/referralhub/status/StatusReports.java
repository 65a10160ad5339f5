package fr.referralhub.status;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import fr.referralhub.avro.ReferralStatus;
import fr.referralhub.avro.ReferralStatusChange;
import fr.referralhub.counselling.ReferralRoutings;
import fr.referralhub.intake.FieldError;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.state.ReferralOrigin;
import fr.referralhub.state.ReferralStateReads;
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
 * says something else). An accepted change is on {@code referral-status-changes.v1} before the answer.
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
    private final ReferralRoutings routings;
    private final ReferralStateReads referralState;
    private final StatusBook book;
    private final Clock clock = Clock.systemUTC();
    /** Reports on the same (referral, service) are judged one at a time (striped, so the table stays small). */
    private final Object[] locks = new Object[64];

    public StatusReports(ServiceRegistry services, PartnerRegistry partners, ReferralRoutings routings,
                         ReferralStateReads referralState, StatusBook book) {
        this.services = services;
        this.partners = partners;
        this.routings = routings;
        this.referralState = referralState;
        this.book = book;
        Arrays.setAll(locks, i -> new Object());
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
            throw StatusReportRefusedException.of(Kind.MALFORMED, "body", "not JSON: " + e.getOriginalMessage());
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
                errors.add(new FieldError("status", "'" + statusText + "' is not a status; one of "
                        + StatusMachine.SET_BY_SERVICES));
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
                errors.add(new FieldError("reasonCode", "'" + reasonCode + "' is not a reason code of " + status
                        + "; one of " + codes));
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
                errors.add(new FieldError("occurredAt", "'" + occurredText
                        + "' is not an ISO-8601 date-time with offset, e.g. 2026-11-23T10:15:00+01:00"));
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
     * Judges one report of a service on a referral and records it if it is a possible change.
     *
     * @return the answer (the same for a report sent again)
     */
    public Map<String, Object> report(String serviceId, String referralId, StatusReport report, String channel) {
        if (referralId == null || !routings.of(referralId).sentTo().containsValue(serviceId)) {
            throw StatusReportRefusedException.of(Kind.UNKNOWN_REFERRAL, "referralId",
                    "no referral '" + referralId + "' was delivered to service '" + serviceId + "'");
        }
        synchronized (locks[Math.floorMod(Objects.hash(referralId, serviceId), locks.length)]) {
            var earlier = book.byStatusEvent(serviceId, report.statusEventId());
            if (earlier.isPresent()) {
                ReferralStatusChange change = earlier.get();
                if (change.getReferralId().equals(referralId) && change.getStatus() == report.status()
                        && Objects.equals(change.getReasonCode(), report.reasonCode())) {
                    return answer(change);
                }
                throw StatusReportRefusedException.of(Kind.CONFLICT, "statusEventId", "'" + report.statusEventId()
                        + "' already reported " + change.getStatus() + " on another or the same referral: one id names "
                        + "one report; send a change under a new id");
            }
            ReferralOrigin origin = referralState.origin(referralId).orElse(null);
            ReferralStatus from = origin != null && origin.cancelled() ? ReferralStatus.CANCELLED
                    : book.statusOf(referralId, serviceId);
            StatusMachine.refusal(from, report.status()).ifPresent(why -> {
                throw StatusReportRefusedException.of(Kind.IMPOSSIBLE_TRANSITION, "status", why);
            });
            Instant now = clock.instant();
            ReferralStatusChange change = ReferralStatusChange.newBuilder()
                    .setChangeId(UUID.nameUUIDFromBytes(("status:" + serviceId + ":" + report.statusEventId())
                            .getBytes(StandardCharsets.UTF_8)).toString())
                    .setReferralId(referralId)
                    .setServiceId(serviceId)
                    .setReferrerPartnerId(origin == null ? null : origin.partnerId())
                    .setReferrerPartnerEventId(origin == null ? null : origin.creationEventId())
                    .setStatusEventId(report.statusEventId())
                    .setPreviousStatus(from)
                    .setStatus(report.status())
                    .setReasonCode(report.reasonCode())
                    .setComment(report.comment())
                    .setChannel(channel)
                    .setOccurredAt(report.occurredAt() == null ? now : report.occurredAt())
                    .setRecordedAt(now)
                    .build();
            ReferralStatusChange inForce = book.record(change).orElseThrow(() -> concurrentChange(from));
            if (!inForce.getChangeId().equals(change.getChangeId()) || inForce.getStatus() != change.getStatus()
                    || !Objects.equals(inForce.getReasonCode(), change.getReasonCode())) {
                // The same statusEventId, with other content, won a race on another instance.
                throw concurrentChange(from);
            }
            log.info("Referral {} at service {}: {} -> {}", referralId, serviceId, from, report.status());
            return answer(inForce);
        }
    }

    /** Channel of the changes the hub makes itself (expiry). */
    public static final String HUB_CHANNEL = "HUB";
    /** What the hub may expire: no service decision yet (RECEIVED only says the service has the referral). */
    public static final Set<ReferralStatus> WAITING = Set.of(ReferralStatus.REQUESTED, ReferralStatus.RECEIVED);

    /**
     * The hub's own change: the referral becomes EXPIRED at this service, if it is still waiting there and the referrer
     * has not cancelled it. Judged under the same lock as the service's reports, so a report accepted meanwhile wins.
     * Its statusEventId {@code expiry:<referralId>:<serviceId>} makes it once only: a second sweep, or a second
     * instance, finds it already made and changes nothing; between instances the topic's order decides, as for reports
     * ({@link StatusBook}).
     *
     * @return the change, if this call made it and it is in force
     */
    public Optional<ReferralStatusChange> expire(String referralId, String serviceId, Instant now) {
        String statusEventId = "expiry:" + referralId + ":" + serviceId;
        synchronized (locks[Math.floorMod(Objects.hash(referralId, serviceId), locks.length)]) {
            ReferralStatus from = book.statusOf(referralId, serviceId);
            if (book.byStatusEvent(serviceId, statusEventId).isPresent() || !WAITING.contains(from)) {
                return Optional.empty();
            }
            ReferralOrigin origin = referralState.origin(referralId).orElse(null);
            if (origin != null && origin.cancelled()) {
                return Optional.empty();
            }
            ReferralStatusChange change = ReferralStatusChange.newBuilder()
                    .setChangeId(UUID.nameUUIDFromBytes(("status:" + serviceId + ":" + statusEventId)
                            .getBytes(StandardCharsets.UTF_8)).toString())
                    .setReferralId(referralId)
                    .setServiceId(serviceId)
                    .setReferrerPartnerId(origin == null ? null : origin.partnerId())
                    .setReferrerPartnerEventId(origin == null ? null : origin.creationEventId())
                    .setStatusEventId(statusEventId)
                    .setPreviousStatus(from)
                    .setStatus(ReferralStatus.EXPIRED)
                    .setChannel(HUB_CHANNEL)
                    .setOccurredAt(now)
                    .setRecordedAt(now)
                    .build();
            // Empty when a service's report on another instance came first in the topic: the report wins.
            Optional<ReferralStatusChange> inForce = book.record(change)
                    .filter(recorded -> recorded.getChangeId().equals(change.getChangeId()));
            inForce.ifPresent(expired -> log.info("Referral {} at service {}: {} -> EXPIRED (nobody acted in time)",
                    referralId, serviceId, from));
            return inForce;
        }
    }

    /**
     * Another change of the same referral at the same service was recorded first, by another hub instance at the same
     * moment: this report was judged against a status that no longer holds. The service re-reads and reports again.
     */
    private static StatusReportRefusedException concurrentChange(ReferralStatus judgedFrom) {
        return StatusReportRefusedException.of(Kind.CONCURRENT_CHANGE, "status", "another status change of this "
                + "referral at this service was recorded at the same moment (it was " + judgedFrom + " when this "
                + "report was judged); read GET /api/v1/referrals/{referralId} and report again if still relevant");
    }

    private static Map<String, Object> answer(ReferralStatusChange change) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("referralId", change.getReferralId());
        answer.put("serviceId", change.getServiceId());
        answer.put("statusEventId", change.getStatusEventId());
        answer.put("changeId", change.getChangeId());
        answer.put("previousStatus", change.getPreviousStatus().name());
        answer.put("status", change.getStatus().name());
        answer.put("reasonCode", change.getReasonCode());
        return answer;
    }
}
