package fr.referralhub.state;

/** Reads the timeline line of a published referral event, or of a feedback on a partner's topic (wire format). */
interface TimelineReader {

    TimelineEntry event(byte[] publishedEvent);

    TimelineEntry feedback(String topic, byte[] feedback);
}
