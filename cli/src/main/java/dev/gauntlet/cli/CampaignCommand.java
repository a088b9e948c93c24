package dev.gauntlet.cli;

import dev.gauntlet.load.campaign.Campaign;
import dev.gauntlet.load.campaign.CampaignConfig;
import dev.gauntlet.load.campaign.Profiles;
import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.results.ConsoleTable;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.workload.JsonlDataset;
import dev.gauntlet.load.workload.LengthDistribution;
import dev.gauntlet.load.workload.SyntheticWorkload;
import dev.gauntlet.load.workload.Workload;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gauntlet campaign}: a load campaign (Gatling) against an OpenAI endpoint or the embedded engine. */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = "Run a load campaign: TTFT, ITL, TPOT, throughput and goodput per stage, with Gatling's report.")
final class CampaignCommand implements Callable<Integer> {
    @Option(names = "--target", defaultValue = "embedded",
            description = "Base URL of an OpenAI-compatible server, or 'embedded' for the reference engine (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--model", description = "Model to ask for (default: the target's first listed model).")
    String model;

    @Option(names = "--api-key", description = "Bearer token.")
    String apiKey;

    @Option(names = "--api", defaultValue = "completions", description = "completions or chat (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--profile", defaultValue = "sweep", description = "smoke or sweep (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,2,4,8",
            description = "Sweep: closed-loop concurrencies (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--rate", split = ",", description = "Sweep: open-loop arrival rates in requests/s (replaces --concurrency).")
    List<Double> rates = List.of();

    @Option(names = "--arrivals", defaultValue = "poisson", description = "Open loop: poisson or constant (default: ${DEFAULT-VALUE}).")
    String arrivals;

    @Option(names = "--stage-seconds", defaultValue = "20", description = "Sweep: seconds per stage (default: ${DEFAULT-VALUE}).")
    int stageSeconds;

    @Option(names = "--input-tokens", defaultValue = "uniform:16,64",
            description = "Input length: fixed:N, uniform:A,B, normal:M,SD, lognormal:MEDIAN,SIGMA (default: ${DEFAULT-VALUE}).")
    String inputTokens;

    @Option(names = "--output-tokens", defaultValue = "fixed:32", description = "Output length, same forms (default: ${DEFAULT-VALUE}).")
    String outputTokens;

    @Option(names = "--token-ids", defaultValue = "10,1000",
            description = "Synthetic prompts: token id range FIRST,END inside the target's vocabulary (default: ${DEFAULT-VALUE}).")
    String tokenIds;

    @Option(names = "--dataset", description = "JSONL prompts ({\"prompt\": ..., \"max_tokens\": ...}) instead of synthetic ones.")
    Path dataset;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload and the arrivals (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--slo", defaultValue = "ttft_p99=2s,tpot_p99=100ms", description = "Goodput objective (default: ${DEFAULT-VALUE}).")
    String slo;

    @Option(names = "--timeout-seconds", defaultValue = "60", description = "Longest a request may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--engine-cpus", defaultValue = "1",
            description = "Embedded engine: processors it may use, the rest left to the injector (default: ${DEFAULT-VALUE}).")
    int engineCpus;

    @Option(names = "--out", description = "Run folder (default: runs/campaign-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path folder = out != null ? out
                : Path.of("runs", "campaign-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        String[] ids = tokenIds.split(",");
        Workload workload = dataset != null
                ? JsonlDataset.read(dataset, LengthDistribution.parse(outputTokens), seed)
                : new SyntheticWorkload(LengthDistribution.parse(inputTokens), LengthDistribution.parse(outputTokens),
                        Integer.parseInt(ids[0].strip()), Integer.parseInt(ids[1].strip()), seed);
        var stages = Profiles.stages(profile, concurrency, rates, switch (arrivals) {
            case "poisson" -> true;
            case "constant" -> false;
            default -> throw new IllegalArgumentException("--arrivals must be poisson or constant, got " + arrivals);
        }, Duration.ofSeconds(stageSeconds), seed);
        CampaignConfig config = new CampaignConfig(target.equals("embedded") ? null : URI.create(target), model, apiKey,
                ApiKind.named(api), workload, profile, stages, Slo.parse(slo), Duration.ofSeconds(timeoutSeconds),
                folder.toAbsolutePath(), engineCpus);
        CampaignResults results = new Campaign(config, System.out).run();
        System.out.println();
        System.out.print(ConsoleTable.render(results));
        System.out.println("results: " + results.folder());
        return 0;
    }
}
