package fr.referralhub.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;

/** What the browser scripts report of Hawtio's Routes tab, checked the same way by each browser test. */
final class HawtioRoutesShown {

    private HawtioRoutesShown() {
    }

    /** Every route of the hub listed on the page, each Started; {@code context} explains a failure. */
    static void assertEveryRouteListedAndStarted(JsonNode result, List<String> routeIds, String context) {
        List<String> found = new ArrayList<>();
        result.get("routesFound").forEach(id -> found.add(id.asText()));
        assertThat(found).as(context).containsExactlyInAnyOrderElementsOf(routeIds);
        for (String id : routeIds) {
            assertThat(result.at("/routes/" + id + "/State").asText()).as(id + "\n" + context).isEqualTo("Started");
        }
    }
}
