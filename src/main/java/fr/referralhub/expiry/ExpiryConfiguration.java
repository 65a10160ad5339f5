package fr.referralhub.expiry;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hub's clock: the one {@link Clock} bean that dates deliveries ({@code deliveredAt} of a referral's routing) and
 * that the expiry sweep compares them with. Why a bean rather than {@code Clock.systemUTC()} where it is used: delays
 * of 10 and 30 days can only be tested by moving time, so a test declares a {@code @Primary} clock of its own and
 * moves it forward (fr.referralhub.testing.MovableClock). Other components keep their own system clock: only what
 * expiry compares needs to agree.
 */
@Configuration(proxyBeanMethods = false)
public class ExpiryConfiguration {

    @Bean
    Clock hubClock() {
        return Clock.systemUTC();
    }
}
