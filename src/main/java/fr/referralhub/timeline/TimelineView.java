package fr.referralhub.timeline;

import fr.referralhub.state.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The answer of {@code GET /api/v1/referrals/{referralId}} for one reader, computed from the referral's history lines.
 *
 * <p>Who sees what (data minimisation): the referrer sees every line of its referral. A counselling service sees the
 * referral's life-cycle events (created, updated, cancelled by the referrer, with the reason code) and the lines about
 * itself (its delivery, its statuses, reminders and expiry at its end); not other services' lines, not the
 * eligibility decision, not why a referral was held, and not the referrer's own event ids. No line ever holds
 * personal data (the store keeps none).
 *
 * <p>Status at each service: REQUESTED once delivered, then the last status reported (STATUS_CHANGED) or EXPIRED; once
 * the referrer cancelled, CANCELLED at every service (as the status reports judge it). The overall status:
 * <ol>
 *   <li>CANCELLED when the referrer cancelled;</li>
 *   <li>for a service reader: its own status (the others' are none of its business);</li>
 *   <li>when no service got the referral: HELD if it was held because the person was not informed, else REQUESTED;</li>
 *   <li>else the furthest any service got, in the order COMPLETED, IN_PROGRESS, ACCEPTED, ON_HOLD, RECEIVED, REQUESTED,
 *       EXPIRED, REJECTED: the person is as far along as the best-placed service, a referral is REJECTED only when
 *       every service rejected it, and EXPIRED when no service still has it open and one let it expire.</li>
 * </ol>
 * Its {@code since} is when the deciding status began (the earliest such service when several share it).
 */
public final class TimelineView {

    /** Who reads: the referring partner, or a counselling service the referral was delivered to. */
    public record Reader(Type type, String id) {

        public enum Type { PARTNER, SERVICE }

        public static Reader partner(String partnerId) {
            return new Reader(Type.PARTNER, partnerId);
        }

        public static Reader service(String serviceId) {
            return new Reader(Type.SERVICE, serviceId);
        }
    }

    /** Furthest first; a status not listed (a later one) ranks with REQUESTED. */
    static final List<String> PROGRESS = List.of("COMPLETED", "IN_PROGRESS", "ACCEPTED", "ON_HOLD", "RECEIVED",
            "REQUESTED", "EXPIRED", "REJECTED");
    static final String REQUESTED = "REQUESTED";
    static final String HELD = "HELD";

    private record Status(String status, Long since) {
    }

    private TimelineView() {
    }

    /**
     * @param referrerPartnerId      the partner that created the referral
     * @param referrerPartnerEventId that partner's id of the creation event
     * @param deliveredTo            the services the referral was delivered to
     * @param history                the referral's lines, oldest first
     */
    public static Map<String, Object> answer(String referralId, String referrerPartnerId, String referrerPartnerEventId,
                                             Collection<String> deliveredTo, List<TimelineEntry> history, Reader reader) {
        boolean referrer = reader.type() == Reader.Type.PARTNER;
        List<TimelineEntry> visible = history.stream().filter(line -> visibleTo(line, reader)).toList();

        Set<String> services = new LinkedHashSet<>();
        if (referrer) {
            services.addAll(deliveredTo);
            visible.stream().map(TimelineEntry::serviceId).filter(id -> id != null).forEach(services::add);
        } else {
            services.add(reader.id());
        }
        Map<String, Status> atServices = statusesAtServices(visible, services);

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("referralId", referralId);
        Map<String, Object> referrerBlock = new LinkedHashMap<>();
        referrerBlock.put("partnerId", referrerPartnerId);
        if (referrer) {
            referrerBlock.put("partnerEventId", referrerPartnerEventId);
        }
        answer.put("referrer", referrerBlock);
        Status overall = overall(visible, atServices, reader);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("overall", overall.status());
        putTime(status, "since", overall.since());
        List<Map<String, Object>> perService = new ArrayList<>();
        atServices.forEach((serviceId, at) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("serviceId", serviceId);
            line.put("status", at.status());
            putTime(line, "since", at.since());
            perService.add(line);
        });
        status.put("services", perService);
        answer.put("status", status);
        answer.put("history", visible.stream().map(line -> line(line, referrer)).toList());
        return answer;
    }

    /** The referrer sees all; a service, the referrer's events and the lines about itself. */
    static boolean visibleTo(TimelineEntry line, Reader reader) {
        return reader.type() == Reader.Type.PARTNER || line.isReferrersEvent() || reader.id().equals(line.serviceId());
    }

    private static Map<String, Status> statusesAtServices(List<TimelineEntry> lines, Set<String> services) {
        Map<String, Status> at = new LinkedHashMap<>();
        services.forEach(service -> at.put(service, new Status(REQUESTED, null)));
        Long cancelledAt = null;
        for (TimelineEntry line : lines) {
            String service = line.serviceId();
            if (line.isReferrersEvent()) {
                if (TimelineEntry.CANCELLED.equals(line.what()) && cancelledAt == null) {
                    cancelledAt = line.atMillis();
                }
            } else if (service != null && at.containsKey(service)) {
                switch (line.what()) {
                    case TimelineEntry.DELIVERED -> {
                        if (at.get(service).since() == null) {
                            at.put(service, new Status(REQUESTED, line.atMillis()));
                        }
                    }
                    case TimelineEntry.STATUS_CHANGED -> {
                        if (line.status() != null) {
                            at.put(service, new Status(line.status(), line.atMillis()));
                        }
                    }
                    case TimelineEntry.EXPIRED -> {
                        if (!"EXPIRED".equals(at.get(service).status())) {
                            at.put(service, new Status("EXPIRED", line.atMillis()));
                        }
                    }
                    default -> {
                        // Reminders and later kinds say something happened, not a new status.
                    }
                }
            }
        }
        if (cancelledAt != null) {
            Long since = cancelledAt;
            at.replaceAll((service, status) -> new Status(TimelineEntry.CANCELLED, since));
        }
        return at;
    }

    private static Status overall(List<TimelineEntry> lines, Map<String, Status> atServices, Reader reader) {
        for (TimelineEntry line : lines) {
            if (line.isReferrersEvent() && TimelineEntry.CANCELLED.equals(line.what())) {
                return new Status(TimelineEntry.CANCELLED, line.atMillis());
            }
        }
        if (reader.type() == Reader.Type.SERVICE) {
            return atServices.getOrDefault(reader.id(), new Status(REQUESTED, null));
        }
        if (atServices.isEmpty()) {
            Long heldAt = null;
            for (TimelineEntry line : lines) {
                if (TimelineEntry.HELD_NOT_INFORMED.equals(line.what())) {
                    heldAt = line.atMillis();
                }
            }
            if (heldAt != null) {
                return new Status(HELD, heldAt);
            }
            return new Status(REQUESTED, lines.isEmpty() ? null : lines.get(0).atMillis());
        }
        Status best = null;
        for (Status candidate : atServices.values()) {
            if (best == null || rank(candidate.status()) < rank(best.status())) {
                best = candidate;
            } else if (rank(candidate.status()) == rank(best.status()) && candidate.since() != null
                    && (best.since() == null || candidate.since() < best.since())) {
                best = candidate;
            }
        }
        return best;
    }

    static int rank(String status) {
        int rank = PROGRESS.indexOf(status);
        return rank >= 0 ? rank : PROGRESS.indexOf(REQUESTED);
    }

    private static Map<String, Object> line(TimelineEntry entry, boolean referrer) {
        Map<String, Object> line = new LinkedHashMap<>();
        putTime(line, "at", entry.atMillis());
        Map<String, Object> who = new LinkedHashMap<>();
        if (entry.isReferrersEvent()) {
            who.put("type", "PARTNER");
            who.put("id", entry.partnerId());
        } else if (TimelineEntry.STATUS_CHANGED.equals(entry.what()) && !"EXPIRED".equals(entry.status())
                && entry.serviceId() != null) {
            who.put("type", "SERVICE");
            who.put("id", entry.serviceId());
        } else {
            // Held, delivered, decided, reminded, expired: the hub did it (an expiry is the hub's status change).
            who.put("type", "HUB");
        }
        line.put("who", who);
        line.put("what", entry.what());
        putIfPresent(line, "serviceId", entry.serviceId());
        putIfPresent(line, "status", entry.status());
        putIfPresent(line, "reasonCode", entry.reasonCode());
        putIfPresent(line, "reasonText", entry.reasonText());
        if (entry.isReferrersEvent()) {
            if (referrer) {
                putIfPresent(line, "partnerEventId", entry.partnerEventId());
            }
            if (entry.partnerMillis() != 0) {
                putTime(line, "occurredAt", entry.partnerMillis());
            }
        }
        return line;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static void putTime(Map<String, Object> map, String key, Long epochMillis) {
        if (epochMillis != null) {
            map.put(key, Instant.ofEpochMilli(epochMillis).toString());
        }
    }
}
