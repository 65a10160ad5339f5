/**
 * Referral state: what the hub knows of each referral, kept in Kafka Streams state stores (RocksDB, with changelog
 * topics) partitioned by referral id, so that several hub instances share the work on Kafka's own machinery
 * (partitions, consumer groups, exactly-once transactions) and memory does not grow with history.
 *
 * <p>This slice holds the <b>referral ledger</b>: every partner event intake accepted goes to
 * {@code intake-submissions.v1}, keyed by its referral id; the one instance that owns the partition decides in order,
 * exactly once, whether it is new, a re-send, a conflicting re-use of an event id or an event of an unknown or
 * cancelled referral, publishes new events to {@code referrals.v1} and answers the asking instance on
 * {@code intake-decisions.v1} ({@link fr.referralhub.state.IntakeSubmissions}). The topology is described in
 * docs/referral-state.md.
 */
package fr.referralhub.state;
