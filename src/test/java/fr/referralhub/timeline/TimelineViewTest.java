package fr.referralhub.timeline;

import fr.referralhub.state.TimelineEntry;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fr.referralhub.timeline.TimelineView.Reader;
import org.junit.jupiter.api.Test;

/** The timeline answer computed from history lines: order, statuses, and who sees which line. */
class TimelineViewTest {

    private static final String REFERRAL = "r-1";
    private static final String FT = "france-travail-93";
    private static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");
    /** Every key a history line may have: none can hold personal data. */
    private static final Set<String> LINE_KEYS = Set.of("at", "who", "what", "serviceId", "status", "reasonCode",
            "reasonText", "partnerEventId", "occurredAt");

    private final List<TimelineEntry> history = new ArrayList<>();
    private long next;

    @Test
    void shouldShowTheReferrerEveryLineAndTheFurthestStatusOfItsServices() {
        created();
        hub(TimelineEntry.DECISION, null, null, null, "VISALE : ELIGIBLE. Éligible à Visale.");
        hub(TimelineEntry.DELIVERED, "adil-93", null, null, null);
        hub(TimelineEntry.DELIVERED, "action-logement-idf", null, null, null);
        hub(TimelineEntry.STATUS_CHANGED, "action-logement-idf", "REJECTED", "HORS_CRITERES", "Refusée : hors critères.");
        hub(TimelineEntry.STATUS_CHANGED, "adil-93", "ACCEPTED", null, "Acceptée par le service.");
        hub(TimelineEntry.STATUS_CHANGED, "adil-93", "IN_PROGRESS", null, "Accompagnement en cours.");

        Map<String, Object> answer = TimelineView.answer(REFERRAL, FT, "FT-1", List.of("adil-93", "action-logement-idf"),
                history, Reader.partner(FT));

        assertThat(answer.get("referrer")).isEqualTo(Map.of("partnerId", FT, "partnerEventId", "FT-1"));
        Map<String, Object> status = map(answer.get("status"));
        assertThat(status.get("overall")).isEqualTo("IN_PROGRESS");
        assertThat(status.get("since")).isEqualTo(at(6));
        assertThat(list(status.get("services"))).containsExactly(
                Map.of("serviceId", "adil-93", "status", "IN_PROGRESS", "since", at(6)),
                Map.of("serviceId", "action-logement-idf", "status", "REJECTED", "since", at(4)));
        List<Map<String, Object>> lines = list(answer.get("history"));
        assertThat(lines).extracting(line -> line.get("what")).containsExactly("CREATED", "DECISION", "DELIVERED",
                "DELIVERED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED");
        assertThat(lines.get(0)).containsEntry("who", Map.of("type", "PARTNER", "id", FT))
                .containsEntry("partnerEventId", "FT-1").containsEntry("at", at(0));
        assertThat(lines.get(1).get("who")).isEqualTo(Map.of("type", "HUB"));
        assertThat(lines.get(4)).containsEntry("who", Map.of("type", "SERVICE", "id", "action-logement-idf"))
                .containsEntry("reasonCode", "HORS_CRITERES").containsEntry("reasonText", "Refusée : hors critères.");
        assertThat(lines).allSatisfy(line -> assertThat(LINE_KEYS).containsAll(line.keySet()));
    }

    @Test
    void shouldShowAServiceOnlyTheLifeCycleAndItsOwnLines() {
        created();
        hub(TimelineEntry.DECISION, null, null, null, "VISALE : ELIGIBLE.");
        hub(TimelineEntry.DELIVERED, "adil-93", null, null, null);
        hub(TimelineEntry.DELIVERED, "action-logement-idf", null, null, null);
        hub(TimelineEntry.STATUS_CHANGED, "action-logement-idf", "COMPLETED", null, null);
        hub(TimelineEntry.REMINDER, "adil-93", null, null, null);
        hub(TimelineEntry.REMINDER, "action-logement-idf", null, null, null);

        Map<String, Object> answer = TimelineView.answer(REFERRAL, FT, "FT-1", List.of("adil-93", "action-logement-idf"),
                history, Reader.service("adil-93"));

        assertThat(answer.get("referrer")).as("the referrer's own event ids are its business")
                .isEqualTo(Map.of("partnerId", FT));
        Map<String, Object> status = map(answer.get("status"));
        assertThat(status.get("overall")).as("its own status, not the furthest of all").isEqualTo("REQUESTED");
        assertThat(list(status.get("services"))).containsExactly(
                Map.of("serviceId", "adil-93", "status", "REQUESTED", "since", at(2)));
        List<Map<String, Object>> lines = list(answer.get("history"));
        assertThat(lines).extracting(line -> line.get("what")).containsExactly("CREATED", "DELIVERED", "REMINDER");
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContainKey("partnerEventId"));
        assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line.get("serviceId")).isEqualTo("adil-93"));
    }

    @Test
    void shouldShowACancellationWithItsReasonToEveryReader() {
        created();
        hub(TimelineEntry.DELIVERED, "adil-93", null, null, null);
        hub(TimelineEntry.STATUS_CHANGED, "adil-93", "ACCEPTED", null, null);
        history.add(new TimelineEntry(next, T0.plusSeconds(next++).toEpochMilli(), TimelineEntry.CANCELLED, FT, "FT-2",
                T0.toEpochMilli(), null, null, "DOUBLON", null));

        for (Reader reader : List.of(Reader.partner(FT), Reader.service("adil-93"))) {
            Map<String, Object> answer = TimelineView.answer(REFERRAL, FT, "FT-1", List.of("adil-93"), history, reader);
            Map<String, Object> status = map(answer.get("status"));
            assertThat(status.get("overall")).isEqualTo("CANCELLED");
            assertThat(status.get("since")).isEqualTo(at(3));
            assertThat(list(status.get("services"))).containsExactly(
                    Map.of("serviceId", "adil-93", "status", "CANCELLED", "since", at(3)));
            assertThat(TimelineViewTest.<Map<String, Object>>list(answer.get("history")).get(3)).containsEntry("what", "CANCELLED")
                    .containsEntry("reasonCode", "DOUBLON").containsEntry("who", Map.of("type", "PARTNER", "id", FT));
        }
    }

    @Test
    void shouldSayHeldWhenNoServiceGotTheReferralBecauseThePersonWasNotInformed() {
        created();
        hub(TimelineEntry.HELD_NOT_INFORMED, null, null, "PERSON_NOT_INFORMED", "La personne n'a pas été informée.");

        Map<String, Object> status = map(TimelineView.answer(REFERRAL, FT, "FT-1", List.of(), history,
                Reader.partner(FT)).get("status"));

        assertThat(status).containsEntry("overall", "HELD").containsEntry("since", at(1));
        assertThat(list(status.get("services"))).isEmpty();
    }

    @Test
    void shouldSayRejectedOnlyWhenEveryServiceRejectedAndExpiredWhenNoneIsStillOpen() {
        created();
        hub(TimelineEntry.STATUS_CHANGED, "a", "REJECTED", "HORS_CRITERES", null);
        hub(TimelineEntry.STATUS_CHANGED, "b", "REJECTED", "AUTRE", null);
        assertThat(overall(List.of("a", "b"))).isEqualTo("REJECTED");

        hub(TimelineEntry.STATUS_CHANGED, "c", "EXPIRED", null, null);
        assertThat(overall(List.of("a", "b", "c"))).isEqualTo("EXPIRED");

        hub(TimelineEntry.DELIVERED, "d", null, null, null);
        assertThat(overall(List.of("a", "b", "c", "d"))).as("d still has it open").isEqualTo("REQUESTED");
    }

    @Test
    void shouldCallAnExpiryTheHubsDoingAndKeepKindsItDoesNotKnow() {
        created();
        hub(TimelineEntry.STATUS_CHANGED, "adil-93", "EXPIRED", null, null);
        hub("ESCALATED", "adil-93", null, null, "Relance du responsable.");

        List<Map<String, Object>> lines = list(TimelineView.answer(REFERRAL, FT, "FT-1", List.of("adil-93"), history,
                Reader.service("adil-93")).get("history"));

        assertThat(lines.get(1).get("who")).isEqualTo(Map.of("type", "HUB"));
        assertThat(lines.get(2)).containsEntry("what", "ESCALATED").containsEntry("serviceId", "adil-93");
    }

    private String overall(List<String> services) {
        return (String) map(TimelineView.answer(REFERRAL, FT, "FT-1", services, history, Reader.partner(FT))
                .get("status")).get("overall");
    }

    private void created() {
        history.add(new TimelineEntry(next, T0.plusSeconds(next++).toEpochMilli(), TimelineEntry.CREATED, FT, "FT-1",
                T0.minusSeconds(3600).toEpochMilli(), null, null, null, null));
    }

    private void hub(String what, String serviceId, String status, String reasonCode, String reasonText) {
        history.add(new TimelineEntry(next, T0.plusSeconds(next++).toEpochMilli(), what, null, null, 0, serviceId,
                status, reasonCode, reasonText));
    }

    private static String at(int second) {
        return T0.plusSeconds(second).toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        return (List<T>) value;
    }
}
