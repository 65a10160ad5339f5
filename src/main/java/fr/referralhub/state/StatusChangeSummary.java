package fr.referralhub.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A status change the referral state accepted, as its answer and its record of the status event carry it (no personal
 * data, no comment).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatusChangeSummary(String changeId, String serviceId, String statusEventId, String previousStatus,
                                  String status, String reasonCode) {
}
