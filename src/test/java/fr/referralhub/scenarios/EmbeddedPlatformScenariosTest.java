package fr.referralhub.scenarios;

import fr.referralhub.testing.HubTest;

/** The end-to-end scenarios on the embedded default: in-process KRaft broker and the hub's own registry. */
@HubTest
class EmbeddedPlatformScenariosTest extends EndToEndScenarios {
}
