package fr.referralhub.counselling;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code hub.subscriptions}: counselling subscriptions declared in configuration. They are written to the
 * subscriptions topic at start-up unless an operator changed or deleted them there ({@link SubscriptionStore}).
 */
@ConfigurationProperties("hub")
public record SubscriptionProperties(@DefaultValue List<SubscriptionDeclaration> subscriptions) {
}
