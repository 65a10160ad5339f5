package fr.referralhub;

import java.lang.management.ManagementFactory;

import fr.referralhub.kafkaclient.KafkaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells whoever started the hub where everything is, once it is ready to take events. */
@Component
class StartupSummary {

    private static final Logger log = LoggerFactory.getLogger(StartupSummary.class);

    private final KafkaConnection kafka;

    StartupSummary(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : env.getProperty("server.port", Integer.class, 8080);
        String base = "http://localhost:" + port;
        log.info("""
                Referral hub ready in {} ms (since JVM start)
                  Partner API       POST {}/api/v1/referrals
                  Hawtio console    {}/actuator/hawtio   (Jolokia {}/actuator/jolokia)
                  Operator login    {}
                  Health            {}/actuator/health   (probes: /liveness, /readiness)
                  Metrics           {}/actuator/prometheus
                  Kafka             {}{}, {}
                  Schema registry   {}{}""",
                ManagementFactory.getRuntimeMXBean().getUptime(), base, base, base,
                env.getProperty("hub.security.enabled", Boolean.class, true)
                        ? "on (" + base + "/login; roles VIEWER, OPERATOR)" : "OFF (dev profile: everything open)",
                base, base,
                kafka.bootstrapServers(),
                env.getProperty("hub.embedded.kafka.enabled", Boolean.class, false) ? " (embedded)" : "",
                // How the hub logs in ("SASL_SSL as hub"), never its password.
                kafka.describe(),
                env.getProperty("hub.schema-registry.url"),
                env.getProperty("hub.embedded.schema-registry.enabled", Boolean.class, false) ? " (embedded)" : "");
    }
}
