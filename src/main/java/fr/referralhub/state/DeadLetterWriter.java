package fr.referralhub.state;

import java.util.Map;

/**
 * The dead letter of a record a step of the referral state could not process, as a record of the dead-letter topic
 * (its original bytes encrypted, the reason in {@code __connect.errors.*} headers), written in the step's transaction.
 */
@FunctionalInterface
interface DeadLetterWriter {

    /**
     * @param sourceTopic where the original record is published
     * @param headers     the original record's headers (kept, so that a replay has them)
     * @param failedStep  the step that failed, by the name a replay knows it
     */
    OutboundRecord deadLetter(String sourceTopic, String key, byte[] original, Map<String, String> headers,
                              String failedStep, Exception cause);
}
