package dev.gauntlet.cli;

import dev.gauntlet.engine.backend.ComputeBackends;
import dev.gauntlet.engine.gguf.GgmlType;
import dev.gauntlet.engine.model.BundledModel;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.campaign.Campaign;
import dev.gauntlet.load.campaign.CampaignConfig;
import dev.gauntlet.load.campaign.ProfileOptions;
import dev.gauntlet.load.campaign.Profiles;
import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.results.CampaignResults;
import dev.gauntlet.load.results.ConsoleTable;
import dev.gauntlet.load.simulation.Spacing;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.workload.PromptDataset;
import dev.gauntlet.load.workload.SharedPrefixWorkload;
import dev.gauntlet.load.workload.LengthDistribution;
import dev.gauntlet.load.workload.SyntheticWorkload;
import dev.gauntlet.load.workload.Workload;
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
            description = "Base URL of an OpenAI-compatible server, 'embedded' for the reference engine, or 'fake' for a"
                    + " server that costs next to nothing per token, to measure the injector (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--model", description = "Model to ask for (default: the target's first listed model).")
    String model;

    @Option(names = "--api-key", description = "Bearer token.")
    String apiKey;

    @Option(names = "--api", defaultValue = "completions", description = "completions or chat (default: ${DEFAULT-VALUE}).")
    String api;

    @Option(names = "--profile", defaultValue = "sweep",
            description = "smoke, sweep, ramp (--rate FROM,TO), spike (--rate BASE,PEAK), soak or capacity (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,2,4,8",
            description = "Sweep: closed-loop concurrencies (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--rate", split = ",",
            description = "Open-loop rates in requests/s: a sweep's stages (replaces --concurrency), ramp FROM,TO, spike BASE,PEAK,"
                    + " a soak's rate, a capacity search's first rate (default 1).")
    List<Double> rates = List.of();

    @Option(names = "--arrivals", defaultValue = "poisson", description = "Open loop: poisson or constant (default: ${DEFAULT-VALUE}).")
    String arrivals;

    @Option(names = "--burstiness", defaultValue = "1",
            description = "Poisson arrivals: gamma-distributed gaps of this shape, mean 1/rate; 1 is Poisson, < 1 burstier (default: ${DEFAULT-VALUE}).")
    double burstiness;

    @Option(names = "--stage-seconds", defaultValue = "20",
            description = "Seconds per sweep or capacity stage, a ramp's length, a spike's base before and after (default: ${DEFAULT-VALUE}).")
    int stageSeconds;

    @Option(names = "--spike-seconds", defaultValue = "10", description = "Spike: the peak's length (default: ${DEFAULT-VALUE}).")
    int spikeSeconds;

    @Option(names = "--soak-seconds", defaultValue = "600", description = "Soak: its length (default: ${DEFAULT-VALUE}).")
    int soakSeconds;

    @Option(names = "--phase-seconds", defaultValue = "60", description = "Soak: statistics per this many seconds (default: ${DEFAULT-VALUE}).")
    int phaseSeconds;

    @Option(names = "--max-stages", defaultValue = "8", description = "Capacity: most stages probed (default: ${DEFAULT-VALUE}).")
    int maxStages;

    @Option(names = "--search-seconds", defaultValue = "300",
            description = "Capacity: no stage starts after this many seconds (default: ${DEFAULT-VALUE}).")
    int searchSeconds;

    @Option(names = "--search-precision", defaultValue = "0.1",
            description = "Capacity: stop when the lowest failing rate is within this fraction of the highest passing one (default: ${DEFAULT-VALUE}).")
    double searchPrecision;

    @Option(names = "--input-tokens", defaultValue = "uniform:16,64",
            description = "Input length: fixed:N, uniform:A,B, normal:M,SD, lognormal:MEDIAN,SIGMA (default: ${DEFAULT-VALUE}).")
    String inputTokens;

    @Option(names = "--output-tokens", defaultValue = "fixed:32", description = "Output length, same forms (default: ${DEFAULT-VALUE}).")
    String outputTokens;

    @Option(names = "--token-ids", defaultValue = "10,1000",
            description = "Synthetic prompts: token id range FIRST,END inside the target's vocabulary (default: ${DEFAULT-VALUE}).")
    String tokenIds;

    @Option(names = "--dataset", description = "Prompts from a file (see --dataset-format) instead of synthetic ones.")
    Path dataset;

    @Option(names = "--dataset-format", defaultValue = "jsonl",
            description = "jsonl ({\"prompt\": ..., \"max_tokens\": ...} a line) or sharegpt (conversations; JSON array or JSONL)"
                    + " (default: ${DEFAULT-VALUE}).")
    String datasetFormat;

    @Option(names = "--shared-prefixes", defaultValue = "0",
            description = "Synthetic prompts: this many shared prefixes, one before each prompt (default: none).")
    int sharedPrefixes;

    @Option(names = "--prefix-tokens", defaultValue = "256", description = "Shared prefixes: tokens each (default: ${DEFAULT-VALUE}).")
    int prefixTokens;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload and the arrivals (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--slo", defaultValue = "ttft_p99=2s,tpot_p99=100ms", description = "Goodput objective (default: ${DEFAULT-VALUE}).")
    String slo;

    @Option(names = "--timeout-seconds", defaultValue = "60", description = "Longest a request may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--engine-cpus", defaultValue = "1",
            description = "Embedded engine: processors it may use, the rest left to the injector (default: ${DEFAULT-VALUE}).")
    int engineCpus;

    @Option(names = "--engine-model", description = "Embedded engine: GGUF model to serve (default: the bundled model, "
            + BundledModel.MODEL + ").")
    Path engineModel;

    @Option(names = "--engine-quant", description = "Embedded engine: convert weights at load to f32, f16, bf16, q8_0 or q4_0.")
    String engineQuant;

    @Option(names = {"--backend", "--engine-backend"}, defaultValue = "cpu",
            description = "Embedded engine: where its forward pass runs, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String engineBackend;

    @Option(names = {"--tp", "--engine-tp"}, defaultValue = "1",
            description = "Embedded engine, CUDA backend: split the model over this many GPUs (default: ${DEFAULT-VALUE}).")
    int engineTensorParallel;

    @Option(names = "--out", description = "Run folder (default: runs/campaign-<time>).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path folder = out != null ? out
                : Path.of("runs", "campaign-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Slo objective = Slo.parse(slo);
        if (engineQuant != null) {
            GgmlType.parse(engineQuant); // names a bad value now, not in the engine's log later
        }
        if (target.equals(CampaignConfig.EMBEDDED)) {
            ComputeBackends.available(engineBackend); // likewise: no GPU is one line here, not a server that never gets ready
        }
        ProfileOptions options = new ProfileOptions(concurrency, rates, Spacing.of(arrivals, burstiness), seed,
                Duration.ofSeconds(stageSeconds), Duration.ofSeconds(spikeSeconds), Duration.ofSeconds(soakSeconds),
                Duration.ofSeconds(phaseSeconds), maxStages, Duration.ofSeconds(searchSeconds), searchPrecision);
        CampaignConfig config = new CampaignConfig(target, model, apiKey, ApiKind.named(api), workload(), profile,
                Profiles.planner(profile, options, objective), objective, Duration.ofSeconds(timeoutSeconds),
                folder.toAbsolutePath(), new EmbeddedEngine.Options(engineModel, engineQuant, engineBackend,
                        engineTensorParallel, engineCpus));
        CampaignResults results = new Campaign(config, System.out).run();
        System.out.println();
        System.out.print(ConsoleTable.render(results));
        System.out.println("results: " + results.folder());
        return 0;
    }

    private Workload workload() throws java.io.IOException {
        LengthDistribution output = LengthDistribution.parse(outputTokens);
        if (dataset != null) {
            if (sharedPrefixes > 0) {
                throw new IllegalArgumentException("--shared-prefixes " + sharedPrefixes + " needs synthetic prompts, not --dataset");
            }
            return PromptDataset.read(dataset, datasetFormat, output, seed);
        }
        String[] ids = tokenIds.split(",");
        if (ids.length != 2) {
            throw new IllegalArgumentException("--token-ids needs FIRST,END, got '" + tokenIds + "'");
        }
        SyntheticWorkload synthetic = new SyntheticWorkload(LengthDistribution.parse(inputTokens), output,
                Integer.parseInt(ids[0].strip()), Integer.parseInt(ids[1].strip()), seed);
        if (sharedPrefixes < 0) {
            throw new IllegalArgumentException("--shared-prefixes must be ≥ 0, got " + sharedPrefixes);
        }
        return sharedPrefixes == 0 ? synthetic : new SharedPrefixWorkload(sharedPrefixes, prefixTokens, synthetic);
    }
}
