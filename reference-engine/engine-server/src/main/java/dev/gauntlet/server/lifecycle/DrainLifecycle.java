package dev.gauntlet.server.lifecycle;

import dev.gauntlet.server.ServerSettings;
import dev.gauntlet.server.errors.ApiException;
import dev.gauntlet.server.generation.InFlightGenerations;
import dev.gauntlet.server.model.ModelService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drains the server when the application context closes (SIGTERM reaches it through Spring's JVM
 * shutdown hook): readiness turns 503 {@code draining} so that load balancers stop sending,
 * new generations are refused with 503 {@code draining}, running ones get up to
 * {@link DrainSettings#timeout()} to finish, and whatever still runs then is cancelled so that
 * its client gets a final error event instead of a hang.
 *
 * <p>Its phase is just above the web server's graceful shutdown, so it stops first: while it
 * drains, the server still accepts connections and can answer late clients with a proper 503
 * (Tomcat's own graceful shutdown would refuse connections outright). The engine itself is
 * stopped later, when {@link ModelService} is destroyed.
 */
@Component
@EnableConfigurationProperties(DrainSettings.class)
public class DrainLifecycle implements SmartLifecycle {
    /** Stops before the web server's graceful shutdown (higher phases stop first). */
    public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;
    private static final Logger LOG = LoggerFactory.getLogger(DrainLifecycle.class);

    private final ModelService model;
    private final InFlightGenerations inFlight;
    private final DrainSettings settings;
    private final int retryAfterSeconds;
    private volatile boolean running;

    public DrainLifecycle(ModelService model, InFlightGenerations inFlight, DrainSettings settings,
                          ServerSettings serverSettings) {
        this.model = model;
        this.inFlight = inFlight;
        this.settings = settings;
        this.retryAfterSeconds = serverSettings.retryAfterSeconds();
    }

    /** Serves (again, after an explicit {@code stop()}: then the drain is over and the server ready). */
    @Override
    public void start() {
        model.endDrain();
        running = true;
    }

    /**
     * Not pausable: a context paused (the test framework pauses idle cached contexts) is not
     * shutting down, so it must not drain; only a close or an explicit {@code stop()} drains.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    /** Drains; returns when no generation is left or the cancelled ones had their grace period. */
    @Override
    public void stop() {
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("drain interrupted; {} generations still in flight", inFlight.count());
        } finally {
            running = false;
        }
    }

    private void drain() throws InterruptedException {
        model.beginDrain();
        LOG.info("draining: {} generations in flight, up to {}", inFlight.count(), settings.timeout());
        if (inFlight.awaitNone(settings.timeout())) {
            LOG.info("drained");
            return;
        }
        int cut = inFlight.abortAll(ApiException.draining("the server shut down before the request finished"
                + " (drain timeout of " + settings.timeout().toSeconds() + " s)", retryAfterSeconds));
        LOG.warn("drain timeout: cancelled {} generations", cut);
        if (!inFlight.awaitNone(settings.cancelGrace())) {
            LOG.warn("{} generations did not end after cancellation; the engine's shutdown will end them",
                    inFlight.count());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
