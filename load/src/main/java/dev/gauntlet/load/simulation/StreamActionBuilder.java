package dev.gauntlet.load.simulation;

import com.typesafe.scalalogging.Logger;
import dev.gauntlet.load.client.RequestRecord;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import io.gatling.core.structure.ScenarioContext;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * A Gatling action that sends one streamed completion through the stage's {@link
 * dev.gauntlet.load.client.OpenAiStreamClient} without blocking Gatling's event loop: the request
 * runs asynchronously, and the virtual user moves on (on its own event loop) once the stream ends.
 * Each request is also logged to Gatling's stats engine, so Gatling's HTML report shows it.
 *
 * <p>Gatling's Java DSL has no asynchronous custom action, so this implements the Scala-side
 * interfaces directly (they compile to Java interfaces).
 */
final class StreamActionBuilder implements io.gatling.javaapi.core.ActionBuilder {
    static final String REQUEST_NAME = "completion";

    private final StageRun run;

    StreamActionBuilder(StageRun run) {
        this.run = run;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return new io.gatling.core.action.builder.ActionBuilder() {
            @Override
            public Action build(ScenarioContext ctx, Action next) {
                return new StreamAction(run, run.clock(), ctx.coreComponents().statsEngine(), next);
            }
        };
    }

    /** Sends on execute; passes the user on when the reply has ended. */
    private static final class StreamAction implements Action {
        private static final Logger LOGGER = Logger.apply(LoggerFactory.getLogger(StreamAction.class));

        private final StageRun run;
        private final CampaignClock clock;
        private final StatsEngine stats;
        private final Action next;

        StreamAction(StageRun run, CampaignClock clock, StatsEngine stats, Action next) {
            this.run = run;
            this.clock = clock;
            this.stats = stats;
            this.next = next;
        }

        @Override
        public String name() {
            return REQUEST_NAME;
        }

        @Override
        public void execute(Session session) {
            long intended = run.intendedStart(System.nanoTime());
            long sequence = run.nextSequence();
            run.client().send(sequence, run.workload().request(sequence), intended).thenAccept(record -> {
                run.record(record);
                stats.logResponse(session.scenario(), session.groups(), REQUEST_NAME, clock.epochMillis(record.sentNanos()),
                        clock.epochMillis(record.endNanos()), record.ok() ? OK$.MODULE$ : KO$.MODULE$,
                        Option.apply(record.status() == 0 ? null : Integer.toString(record.status())),
                        Option.apply(record.ok() ? null : record.error() + ": " + record.errorMessage()));
                session.eventLoop().execute(() -> next.execute(session));
            });
        }

        @Override
        public Logger logger() {
            return LOGGER;
        }

        @Override
        public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger logger) {
            // Scala initialises the trait's val through this setter; this class holds its logger itself.
        }
    }
}
