package fr.referralhub.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The whole hub as deployed (no dev profile: operator login on), on its embedded platform, free ports and a
 * throw-away data directory, with two operators ({@link TestOperators}) and a test-only {@code /ops} endpoint
 * ({@link OpsProbe}). Test classes with this annotation share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "hub.embedded.kafka.port=0",
        "hub.embedded.kafka.controller-port=0",
        "hub.embedded.schema-registry.port=0",
        "hub.embedded.data-dir=${java.io.tmpdir}/referral-hub-secured-test-${random.uuid}",
        "hub.intake.file-drops.root=target/secured-test-file-drops",
        "spring.jmx.enabled=true",
        // Its own Camel context name: the @HubTest context lives in the same JVM and the same MBean server, and
        // Hawtio and Jolokia must tell them apart.
        "camel.main.name=" + SecuredHubTest.CAMEL_CONTEXT,
        // The dev partners, and their Kafka principals' public passwords, which are also their registry logins.
        "spring.config.import=classpath:partners-dev.yaml,classpath:kafka-credentials-dev.yaml",
        "hub.pseudonymisation.secret=secured-hub-test-secret",
        "hub.dead-letters.encryption-key=" + fr.referralhub.kafka.DeadLetterCipher.DEVELOPMENT_KEY,
        "hub.security.users[0].name=" + TestOperators.VIEWER,
        "hub.security.users[0].password-hash=" + TestOperators.VIEWER_HASH,
        "hub.security.users[0].roles=VIEWER",
        "hub.security.users[1].name=" + TestOperators.OPERATOR,
        "hub.security.users[1].password-hash=" + TestOperators.OPERATOR_HASH,
        "hub.security.users[1].roles=OPERATOR"
})
@Import(OpsProbe.class)
// /actuator/prometheus exists in tests only with metrics export on.
@AutoConfigureObservability(tracing = false)
public @interface SecuredHubTest {

    String CAMEL_CONTEXT = "referral-hub-secured";
}
