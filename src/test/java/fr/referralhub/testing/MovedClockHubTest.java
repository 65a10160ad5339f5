package fr.referralhub.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole hub ({@link HubTest}) on a {@link MovableClock}: a hub of its own, shared by the test classes with this
 * annotation only, since moving its clock ages every referral it holds. Its file drops have a folder of their own
 * (two hubs polling one folder would each take the other's files), and it checks for reminders and expiries every
 * 200 ms, so a test that moves the clock waits little for a check ({@link ExpiryChecks}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@HubTest
@Import(MovableClock.AsHubClock.class)
@TestPropertySource(properties = {
        "hub.intake.file-drops.root=target/moved-clock-test-file-drops",
        "hub.expiry.sweep-interval=200ms"
})
public @interface MovedClockHubTest {
}
