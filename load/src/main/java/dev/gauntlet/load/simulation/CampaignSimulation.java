package dev.gauntlet.load.simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gatling simulation of one stage ({@link StageRun#current()}): each virtual user sends one
 * streamed completion. A closed loop keeps {@code concurrency} users alive for the stage (a user
 * that ends is replaced at once); an open loop injects one user at each scheduled arrival.
 */
public final class CampaignSimulation extends Simulation {

    public CampaignSimulation() {
        StageRun run = StageRun.current();
        // A stage stopped early ends at the next user to start: Gatling's own stop, so its report is still written.
        ScenarioBuilder scenario = scenario(run.plan().name())
                .exec(stopLoadGeneratorIf(session -> "stopped early: " + run.stopReason(), session -> run.stopReason() != null))
                .exec(new StreamActionBuilder(run));
        PopulationBuilder population = switch (run.plan().load()) {
            case LoadModel.Closed closed ->
                    scenario.injectClosed(constantConcurrentUsers(closed.concurrency()).during(run.plan().duration()));
            case LoadModel.Open open -> scenario.injectOpen(openSteps(run.arrivals()));
        };
        setUp(population).maxDuration(run.maxDuration());
    }

    /** One user at each arrival: a pause for each gap, users arriving together injected at once. */
    private static List<OpenInjectionStep> openSteps(long[] arrivals) {
        List<OpenInjectionStep> steps = new ArrayList<>();
        long at = 0;
        int i = 0;
        while (i < arrivals.length) {
            if (arrivals[i] > at) {
                steps.add(nothingFor(Duration.ofNanos(arrivals[i] - at)));
                at = arrivals[i];
            }
            int together = 0;
            while (i < arrivals.length && arrivals[i] == at) {
                together++;
                i++;
            }
            steps.add(atOnceUsers(together));
        }
        return steps;
    }
}
