package fr.referralhub.intake;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import fr.referralhub.kafka.TopicFollower;
import fr.referralhub.partners.PartnerActivity;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.RecordHeaders;
import fr.referralhub.topics.TopicProvisioner;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * When each partner last sent, read from the headers of {@code referrals.v1} at start-up and then followed, so that
 * silent-partner detection ({@link PartnerActivity}) survives a restart and sees what other instances receive. It keeps
 * one entry per partner, not per referral; who referred a referral and whether it was cancelled are the referral
 * ledger's (fr.referralhub.state.ReferralStateReads). Its start-up still reads the whole topic: to be bounded to the
 * silent-partner window in a later slice.
 */
@Component
public class PartnerHistory implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartnerHistory.class);

    private final String bootstrapServers;
    private final String topic;
    private final PartnerActivity partnerActivity;
    private volatile TopicFollower<String, byte[]> follower;

    public PartnerHistory(@Value("${hub.kafka.bootstrap-servers}") String bootstrapServers, HubTopicProperties topics,
                          PartnerActivity partnerActivity) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topics.referrals();
        this.partnerActivity = partnerActivity;
    }

    @Override
    public void start() {
        follower = new TopicFollower<>("partner-history", bootstrapServers, List.of(topic), new StringDeserializer(),
                new ByteArrayDeserializer(), this::seen);
        follower.start();
        log.info("Partner history read from {}", topic);
    }

    private void seen(ConsumerRecord<String, byte[]> record) {
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
