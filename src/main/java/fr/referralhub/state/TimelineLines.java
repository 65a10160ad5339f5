package fr.referralhub.state;

import org.apache.avro.generic.GenericRecord;

/**
 * The timeline line of a referral event or of a feedback, read from generic Avro records with their writer's schema:
 * a feedback kind added later (REMINDER yesterday, others tomorrow) shows under its own name instead of failing the
 * read. Only what a timeline answers is kept (ids, kinds, times, service, status, reason code and text); the person's
 * data on a referral event is read and dropped at once.
 */
final class TimelineLines {

    private TimelineLines() {
    }

    /** The line of a referral event of the referrer: CREATED, UPDATED or CANCELLED (with its reason code). */
    static TimelineEntry ofEvent(GenericRecord event) {
        GenericRecord source = (GenericRecord) event.get("source");
        String type = text(event, "eventType");
        return line(new TimelineEntry(TimelineEntry.idHash(text(event, "eventId")), millis(event, "receivedAt"), type,
                text(source, "partnerId"), text(source, "partnerEventId"), millis(event, "occurredAt"), null, null,
                TimelineEntry.CANCELLED.equals(type) ? text(event, "cancellationReason") : null, null));
    }

    /** The line of a feedback to the referrer: held, delivered, decision, status changed, reminder, expired... */
    static TimelineEntry ofFeedback(GenericRecord feedback) {
        return line(new TimelineEntry(TimelineEntry.idHash(text(feedback, "feedbackId")),
                millis(feedback, "occurredAt"), text(feedback, "kind"), null, null, 0, text(feedback, "serviceId"),
                text(feedback, "status"), text(feedback, "reasonCode"), text(feedback, "reasonText")));
    }

    private static TimelineEntry line(TimelineEntry line) {
        if (line.what() == null) {
            throw new IllegalArgumentException("a timeline record needs a kind");
        }
        return line;
    }

    private static String text(GenericRecord record, String field) {
        if (record == null || !record.hasField(field)) {
            return null;
        }
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    private static long millis(GenericRecord record, String field) {
        Object value = record.hasField(field) ? record.get(field) : null;
        if (value instanceof Long epochMillis) {
            return epochMillis;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.toEpochMilli();
        }
        throw new IllegalArgumentException("no " + field + " time");
    }
}
