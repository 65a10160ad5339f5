package fr.referralhub.state;

import static fr.referralhub.avro.ReferralStatus.ACCEPTED;
import static fr.referralhub.avro.ReferralStatus.CANCELLED;
import static fr.referralhub.avro.ReferralStatus.COMPLETED;
import static fr.referralhub.avro.ReferralStatus.EXPIRED;
import static fr.referralhub.avro.ReferralStatus.IN_PROGRESS;
import static fr.referralhub.avro.ReferralStatus.ON_HOLD;
import static fr.referralhub.avro.ReferralStatus.RECEIVED;
import static fr.referralhub.avro.ReferralStatus.REJECTED;
import static fr.referralhub.avro.ReferralStatus.REQUESTED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import fr.referralhub.avro.ReferralStatus;

/**
 * The life of a referral at one counselling service (DOMAIN.md, "A referral's life"), as a table of the changes a
 * service may report:
 *
 * <pre>
 * REQUESTED   -> RECEIVED | ACCEPTED | REJECTED | ON_HOLD    (delivered; a service may decide without acknowledging)
 * RECEIVED    -> ACCEPTED | REJECTED | ON_HOLD
 * ACCEPTED    -> IN_PROGRESS | ON_HOLD
 * IN_PROGRESS -> COMPLETED | ON_HOLD
 * ON_HOLD     -> RECEIVED | ACCEPTED | REJECTED | IN_PROGRESS (resumes where it makes sense)
 * REJECTED, COMPLETED, CANCELLED, EXPIRED: final
 * </pre>
 *
 * A service never sets REQUESTED (the hub's delivery does), CANCELLED (the referrer's decision: it comes with the
 * referrer's cancellation) or EXPIRED (the hub's, when nobody acted in time). Reporting the current status again
 * under a new status event id is refused too: it is no change, and a retry must reuse its event id.
 */
public final class StatusMachine {

    /** What the hub may expire: no service decision yet (RECEIVED only says the service has the referral). */
    public static final Set<ReferralStatus> WAITING = EnumSet.of(REQUESTED, RECEIVED);

    /** What a service may report at all. */
    public static final Set<ReferralStatus> SET_BY_SERVICES = EnumSet.of(RECEIVED, ACCEPTED, REJECTED, IN_PROGRESS,
            COMPLETED, ON_HOLD);
    /** Statuses that need a reason code. */
    public static final Set<ReferralStatus> NEED_A_REASON = EnumSet.of(REJECTED, CANCELLED, ON_HOLD);

    private static final Map<ReferralStatus, Set<ReferralStatus>> NEXT = new EnumMap<>(ReferralStatus.class);

    static {
        NEXT.put(REQUESTED, EnumSet.of(RECEIVED, ACCEPTED, REJECTED, ON_HOLD));
        NEXT.put(RECEIVED, EnumSet.of(ACCEPTED, REJECTED, ON_HOLD));
        NEXT.put(ACCEPTED, EnumSet.of(IN_PROGRESS, ON_HOLD));
        NEXT.put(IN_PROGRESS, EnumSet.of(COMPLETED, ON_HOLD));
        NEXT.put(ON_HOLD, EnumSet.of(RECEIVED, ACCEPTED, REJECTED, IN_PROGRESS));
        for (ReferralStatus end : EnumSet.of(REJECTED, COMPLETED, CANCELLED, EXPIRED)) {
            NEXT.put(end, EnumSet.noneOf(ReferralStatus.class));
        }
    }

    private StatusMachine() {
    }

    /**
     * Why a service may not move a referral from {@code from} to {@code to}, in words a service's developer
     * understands; empty when it may.
     */
    public static Optional<String> refusal(ReferralStatus from, ReferralStatus to) {
        if (!SET_BY_SERVICES.contains(to)) {
            return Optional.of(switch (to) {
                case CANCELLED -> "CANCELLED is set by the referrer only (it cancels the referral); a service that "
                        + "will not take it up reports REJECTED with a reason code";
                case EXPIRED -> "EXPIRED is set by the hub when nobody acted in time";
                default -> to + " is set by the hub when it delivers the referral";
            });
        }
        if (NEXT.get(from).isEmpty()) {
            return Optional.of(from + " -> " + to + ": the referral is already " + from + " at this service, a final status");
        }
        if (from == to) {
            return Optional.of(from + " -> " + to + ": the referral is already " + from
                    + " (a retry must reuse its statusEventId)");
        }
        if (!NEXT.get(from).contains(to)) {
            return Optional.of(from + " -> " + to + " is not a possible change; from " + from + " the next status is one of "
                    + NEXT.get(from));
        }
        return Optional.empty();
    }

    /** Channel of the changes the hub makes itself (expiry). */
    public static final String HUB_CHANNEL = "HUB";

    /**
     * The id of the change a status event makes: the same report sent again names the same change. A service's event
     * ids need only be unique per referral (the referral state judges repeats per referral), so the referral is part
     * of it: otherwise two referrals' changes would share an id, and so their feedback, which referrers and feedback
     * webhooks de-duplicate on.
     */
    public static String changeId(String serviceId, String referralId, String statusEventId) {
        return java.util.UUID.nameUUIDFromBytes(("status:" + serviceId + ":" + referralId + ":" + statusEventId)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    public static boolean isFinal(ReferralStatus status) {
        return NEXT.get(status).isEmpty();
    }
}
