package fr.referralhub.state;

import java.util.List;

import fr.referralhub.topics.RecordHeaders;

/**
 * Headers of a submission on {@code intake-submissions.v1}: the tracing headers the published record will carry
 * ({@link RecordHeaders}), and those that only the ledger reads.
 */
final class SubmissionHeaders {

    /** The hub instance waiting for the answer: the key of the answer on {@code intake-decisions.v1}. */
    static final String REPLY_TO = "hub.reply-to";
    /** Which of that instance's questions this is. */
    static final String CORRELATION_ID = "hub.correlation-id";
    /**
     * Present ("true") instead of {@link #REPLY_TO} when the partner was answered on receipt (HTTP {@code Prefer:
     * respond-async}): the ledger dead-letters a refusal itself, since nobody waits for it. A replay has neither, and
     * its refusal is answered to the operator, not dead-lettered again.
     */
    static final String ANSWERED_ON_RECEIPT = "hub.answered-on-receipt";
    /** What is submitted: {@link #PARTNER_EVENT} (when absent), or {@link #STATUS_REPORT}. */
    static final String KIND = "hub.submission";
    static final String PARTNER_EVENT = "PARTNER_EVENT";
    /** A counselling service's status report: a ReferralStatusChange, judged against the referral's life cycle. */
    static final String STATUS_REPORT = "STATUS_REPORT";
    /** The hub's own EXPIRED at a service, made only if the referral is still waiting there. */
    /** Header of status change records: the service concerned (no personal data). */
    static final String SERVICE_ID = "hub.service-id";
    /** The person reference (a keyed pseudonym) of a creation: the key of its record on referrals.v1. */
    static final String PERSON_REFERENCE = "hub.person-reference";

    /** Copied onto the published record. */
    static final List<String> PUBLISHED = List.of(RecordHeaders.PARTNER_ID, RecordHeaders.PARTNER_EVENT_ID,
            RecordHeaders.EVENT_ID, RecordHeaders.EVENT_TYPE, RecordHeaders.PERSON_REFERENCE_BASIS,
            RecordHeaders.CONTENT_HASH);

    private SubmissionHeaders() {
    }
}
