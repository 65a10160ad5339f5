package fr.referralhub.counselling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import fr.referralhub.kafkaclient.KafkaConnection;
import fr.referralhub.partners.Partner;
import fr.referralhub.partners.PartnerRegistry;
import fr.referralhub.topics.HubTopicProperties;
import fr.referralhub.topics.StartUpStep;
import fr.referralhub.topics.TopicProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates the feedback topic of every registered partner at start-up, before the referral state starts: the state's
 * stream threads then never wait on a broker's Admin call for a partner's first feedback, and its pattern source
 * finds every partner's topic at once.
 *
 * <p>It also checks what the referral state relies on: each {@code feedback.<partnerId>} has as many partitions as
 * {@code intake-submissions.v1} (both keyed by referral id, so the instance that owns a referral reads its feedback).
 * A topic created otherwise (by hand, or before {@code hub.topics.partitions} changed) is logged as an error: the
 * lines of its feedback would reach the wrong owners and be left out of the timelines.
 */
@Component
class PartnerFeedbackTopics extends StartUpStep {

    private static final Logger log = LoggerFactory.getLogger(PartnerFeedbackTopics.class);

    private final PartnerRegistry partners;
    private final CounsellingTopics topics;
    private final HubTopicProperties names;
    private final KafkaConnection kafka;

    PartnerFeedbackTopics(PartnerRegistry partners, CounsellingTopics topics, HubTopicProperties names,
                          KafkaConnection kafka) {
        // After the topics of the catalogue exist, before the referral state starts (phase + 2).
        super(TopicProvisioner.PHASE + 1);
        this.partners = partners;
        this.topics = topics;
        this.names = names;
        this.kafka = kafka;
    }

    @Override
    protected void run() {
        List<String> feedback = new ArrayList<>();
        for (Partner partner : partners.all()) {
            try {
                feedback.add(topics.feedbackTopic(partner.id()));
            } catch (RuntimeException e) {
                // An id no topic can bear, or a registry lacking the subject: that partner's feedback topic is made
                // (or refused) at its first feedback instead; the other partners are not held up.
                log.error("The feedback topic of partner '{}' could not be prepared at start-up: {}", partner.id(),
                        e.getMessage());
            }
        }
        checkPartitions(feedback);
    }

    private void checkPartitions(List<String> feedback) {
        List<String> all = new ArrayList<>(feedback);
        all.add(names.intakeSubmissions());
        Map<String, Integer> partitions;
        try {
            partitions = TopicProvisioner.partitionCounts(kafka, all);
        } catch (IllegalStateException e) {
            log.warn("The partitions of the feedback topics could not be checked: {}", e.getMessage());
            return;
        }
        int expected = partitions.get(names.intakeSubmissions());
        feedback.stream().filter(topic -> partitions.get(topic) != expected)
                .forEach(topic -> log.error("Topic {} has {} partitions and {} has {}: feedback lines of its referrals "
                                + "reach instances that do not own them and are left out of their timelines; recreate it "
                                + "with {} partitions", topic, partitions.get(topic), names.intakeSubmissions(), expected,
                        expected));
    }
}
