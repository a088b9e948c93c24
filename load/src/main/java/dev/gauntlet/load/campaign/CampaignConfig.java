package dev.gauntlet.load.campaign;

import dev.gauntlet.load.client.ApiKind;
import dev.gauntlet.load.stats.Slo;
import dev.gauntlet.load.target.EmbeddedEngine;
import dev.gauntlet.load.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a campaign needs.
 *
 * @param target         the base URL, {@code embedded} for the reference engine, or {@code fake} for a
 *                       {@link dev.gauntlet.load.target.FakeTarget} (to measure the injector)
 * @param model          the model to ask for, or null for the target's first listed model
 * @param apiKey         bearer token, or null
 * @param api            completions or chat
 * @param workload       what each request asks
 * @param profile        the profile's name, for the record
 * @param stages         plans the stages, run one after the other
 * @param slo            the goodput objective
 * @param requestTimeout longest a request may take
 * @param out            the run folder
 * @param engine         how to start the embedded engine (used only when {@code target} is {@code embedded})
 */
public record CampaignConfig(String target, String model, String apiKey, ApiKind api, Workload workload, String profile,
                             StagePlanner stages, Slo slo, Duration requestTimeout, Path out, EmbeddedEngine.Options engine) {

    /** {@code --target embedded}: the campaign starts the reference engine. */
    public static final String EMBEDDED = "embedded";
    /** {@code --target fake}: the campaign starts a fake server that costs next to nothing per token. */
    public static final String FAKE = "fake";

    public CampaignConfig {
        if (!target.equals(EMBEDDED) && !target.equals(FAKE) && !target.matches("https?://.+")) {
            throw new IllegalArgumentException("--target must be embedded, fake or an http(s):// URL, got '" + target + "'");
        }
    }

    /** Whether the campaign starts its own reference engine. */
    public boolean embedded() {
        return target.equals(EMBEDDED);
    }
}
