package fr.referralhub.operations;

import java.util.List;

/**
 * The hub's own metrics, as every part of the hub names them (Micrometer names and tags). Written once here for the
 * checks of what watches them (Grafana dashboard, Prometheus alert rules): a panel or alert on a misspelt or renamed
 * metric shows nothing and never fires, silently.
 */
final class HubMetricNames {

    /** A Micrometer meter: its name, tags and kind; Prometheus turns dots into underscores and adds _total to counters. */
    record Metric(String name, List<String> tags, boolean counter) {

        String prometheusName() {
            return name.replace('.', '_') + (counter ? "_total" : "");
        }
    }

    static final List<Metric> ALL = List.of(
            new Metric("hub.intake.received", List.of("partner", "channel"), true),
            new Metric("hub.intake.outcomes", List.of("partner", "channel", "outcome"), true),
            new Metric("hub.dead.letters", List.of("route"), true),
            new Metric("hub.consumer.lag", List.of("group", "topic"), false),
            new Metric("hub.consumer.stuck.seconds", List.of("group", "topic", "partition"), false),
            new Metric("hub.records.parked", List.of("route", "topic"), true),
            new Metric("hub.eligibility.outcomes", List.of("programme", "outcome"), true),
            new Metric("hub.eligibility.smic.age.days", List.of(), false),
            new Metric("hub.subscription.deliveries", List.of("subscription", "result"), true),
            new Metric("hub.feedback.webhook.deliveries", List.of("partner", "result"), true),
            new Metric("hub.partner.silent", List.of("partner"), false),
            new Metric("hub.expiry.reminders", List.of("partner"), true),
            new Metric("hub.expiry.expirations", List.of("service"), true),
            new Metric("hub.provenance.refused", List.of("consumer"), true));

    static List<String> prometheusNames() {
        return ALL.stream().map(Metric::prometheusName).toList();
    }

    private HubMetricNames() {
    }
}
