package fr.referralhub.state;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.referral-state.*}: the Kafka Streams application that keeps the referral state.
 *
 * @param applicationId   Streams application id: the consumer group of every hub instance, and the prefix of its
 *                        changelog topics. Instances with the same id share the partitions.
 * @param stateDir        where this instance keeps its RocksDB stores; kept across restarts, an instance restores only
 *                        what the changelog has beyond it
 * @param commitInterval  how often a transaction commits: the longest an intake answer waits on the ledger
 * @param answerTimeout   how long intake waits for the ledger's answer before telling the partner to retry (503); the
 *                        event is recorded all the same, and a re-send is recognised
 * @param standbyReplicas warm copies of each store on other instances, so a failover does not replay the changelog
 * @param startupTimeout  how long the start waits for the state to be restored and running
 * @param forgetSweep     how often each store drops the referrals inactive for 730 days
 * @param advertisedHost  the host other instances reach this one on (interactive queries); empty: this machine's name
 * @param streamThreads   stream threads of this instance: its partitions are shared among them, each with its own
 *                        transactions, so one processes while another waits for its commit
 * @param instanceId      a name that stays the same across this instance's restarts and that no other instance uses
 *                        (a StatefulSet pod name): static membership of the group, so a restart within the session
 *                        timeout takes its partitions back without a rebalance. Empty: dynamic membership
 */
@ConfigurationProperties("hub.referral-state")
public record ReferralStateProperties(
        @DefaultValue("referral-hub-state") String applicationId,
        @DefaultValue("./data/referral-state") String stateDir,
        @DefaultValue("20ms") Duration commitInterval,
        @DefaultValue("10s") Duration answerTimeout,
        @DefaultValue("0") int standbyReplicas,
        @DefaultValue("2m") Duration startupTimeout,
        @DefaultValue("1h") Duration forgetSweep,
        @DefaultValue("") String advertisedHost,
        @DefaultValue("2") int streamThreads,
        @DefaultValue("") String instanceId) {
}
