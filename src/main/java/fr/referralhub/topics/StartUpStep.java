package fr.referralhub.topics;

import org.springframework.context.SmartLifecycle;

/**
 * Something the hub does once as it starts, in a lifecycle phase, before what relies on it runs: creating topics
 * ({@link TopicProvisioner#PHASE}) before the referral state and Camel's routes, granting Kafka access. Nothing to
 * undo at stop. A step that throws stops the start: the hub does not run without what the step provides.
 */
public abstract class StartUpStep implements SmartLifecycle {

    private final int phase;
    private volatile boolean running;

    protected StartUpStep(int phase) {
        this.phase = phase;
    }

    /** The step's work. */
    protected abstract void run();

    @Override
    public final void start() {
        run();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
