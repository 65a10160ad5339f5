package fr.referralhub.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole hub on its embedded default (real in-process broker and registry), on free ports and a throw-away data
 * directory. Test classes with this annotation share one application context, so one broker.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.schema-registry.port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-test-${random.uuid}",
        // A fixed folder (not random: the route and the tests must resolve the same one); tests use unique file names.
        "hub.intake.file-drops.root=target/test-file-drops",
        "spring.jmx.enabled=true",
        // Webhook retries in milliseconds, not seconds: tests wait on the attempts, not on the backoff.
        "hub.webhooks.initial-delay=PT0.05S",
        "hub.webhooks.max-delay=PT0.2S",
        "hub.webhooks.max-attempts=4",
        "hub.webhooks.request-timeout=PT3S"
})
@ActiveProfiles("dev")
public @interface HubTest {
}
