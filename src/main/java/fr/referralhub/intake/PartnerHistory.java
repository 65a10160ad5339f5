package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.kafka.TopicFollower;
import fr.referralhub.partners.PartnerActivity;
import fr.referralhub.partners.SilentPartnerProperties;
import fr.referralhub.provenance.RecordProvenance;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * When each partner last sent, read from the headers of {@code referrals.v1} at start-up and then followed, so that
 * silent-partner detection ({@link PartnerActivity}) survives a restart and sees what other instances receive. It keeps
 * one entry per partner, not per referral; who referred a referral and whether it was cancelled are the referral
 * state's (fr.referralhub.state.ReferralStateReads).
 *
 * <p>It reads back only {@link #window}: four times the longest silence that raises the alert, and at least 30 days,
 * so a restart keeps every partner that is silent now or went silent recently, and its start-up does not grow with the
 * two years of history the topic keeps. A partner silent for longer than the window was alerted on long before.
 */
@Component
public class PartnerHistory implements SmartLifecycle {

    /** The view's name, and its tag in the provenance counter. */
    static final String CONSUMER = "partner-history";
    private static final Logger log = LoggerFactory.getLogger(PartnerHistory.class);

    private final KafkaConnection kafka;
    private final String topic;
    private final PartnerActivity partnerActivity;
    private volatile TopicFollower<String, byte[]> follower;

    private final Duration window;
    private final Clock clock;
    /** Only what the hub published is a partner's activity (fr.referralhub.provenance). */
    private final RecordProvenance provenance;

    public PartnerHistory(KafkaConnection kafka, HubTopicProperties topics,
                          PartnerActivity partnerActivity, SilentPartnerProperties silences, Clock clock,
                          RecordProvenance provenance) {
        this.provenance = provenance;
        provenance.expect(CONSUMER);
        this.window = window(silences);
        this.clock = clock;
        this.kafka = kafka;
        this.topic = topics.referrals();
        this.partnerActivity = partnerActivity;
    }

    static Duration window(SilentPartnerProperties silences) {
        Duration longest = silences.overrides().values().stream().reduce(silences.after(),
                (a, b) -> a.compareTo(b) >= 0 ? a : b);
        Duration four = longest.multipliedBy(4);
        return four.compareTo(Duration.ofDays(30)) >= 0 ? four : Duration.ofDays(30);
    }

    @Override
    public void start() {
        follower = new TopicFollower<>(CONSUMER, kafka, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), this::seen).since(clock.instant().minus(window));
        follower.start();
        log.info("Partner history read from {} (the last {} days)", topic, window.toDays());
    }

    private void seen(ConsumerRecord<String, byte[]> record) {
        if (provenance.check(CONSUMER, record).isPresent()) {
            return;
        }
        Header partner = record.headers().lastHeader(RecordHeaders.PARTNER_ID);
        if (partner != null) {
            partnerActivity.seen(new String(partner.value(), StandardCharsets.UTF_8),
                    Instant.ofEpochMilli(record.timestamp()));
        }
    }

    @Override
    public void stop() {
        if (follower != null) {
            follower.close();
        }
    }

    @Override
    public boolean isRunning() {
        return follower != null && follower.isRunning();
    }

    /** After the topics exist. */
    @Override
    public int getPhase() {
        return TopicProvisioner.PHASE + 1;
    }
}
