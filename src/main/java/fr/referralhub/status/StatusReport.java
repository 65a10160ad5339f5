package fr.referralhub.status;

import java.time.Instant;

import fr.referralhub.avro.ReferralStatus;

/** A status report as a service sent it, once read and checked field by field. */
public record StatusReport(String statusEventId, ReferralStatus status, String reasonCode, String comment,
                           Instant occurredAt) {
}
