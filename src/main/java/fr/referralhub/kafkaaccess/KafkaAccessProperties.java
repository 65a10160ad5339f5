package fr.referralhub.kafkaaccess;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.kafka-access.*}.
 *
 * @param enabled          manage principals and ACLs at start-up (the embedded broker then opens its partners'
 *                         listener)
 * @param bootstrapServers where partners, services and operators connect (set by the embedded platform; told in the
 *                         start-up summary)
 * @param credentials      SCRAM passwords by principal (a partner's or service's id, or {@code ops}); a principal
 *                         without one has no login. Never logged.
 * @param opsPrincipal     the operators' tools' principal: describes topics, groups and the cluster, reads nothing
 */
@ConfigurationProperties("hub.kafka-access")
public record KafkaAccessProperties(boolean enabled, String bootstrapServers,
                                    @DefaultValue Map<String, String> credentials,
                                    @DefaultValue("ops") String opsPrincipal) {
}
