package dev.gauntlet.accuracy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.accuracy.gate.Gates;
import dev.gauntlet.engine.Checkout;
import dev.gauntlet.engine.model.BundledModel;
import dev.gauntlet.accuracy.report.AccuracyReport;
import dev.gauntlet.accuracy.report.ConsoleTable;
import dev.gauntlet.accuracy.report.PairResult;
import dev.gauntlet.accuracy.report.AccuracySchema;
import dev.gauntlet.accuracy.report.ReportWriter;
import io.qameta.allure.Allure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The accuracy gate of the bundled model: the suite's default run (F32 against F16, Q8_0 and Q4_0
 * on the held-out text) must stay within {@code accuracy/gates.json}. The table and each pair's
 * worst tokens are attached to the Allure report.
 */
class BundledModelAccuracyGateTest {
    @Test
    void everyPrecisionStaysWithinItsGate() throws Exception {
        AccuracyReport report = AccuracySuite.run(SuiteOptions.defaults(BundledModel.model(), BundledModel.heldOutText()),
                Gates.load(Checkout.locate(Gates.BUNDLED)));
        Path written = ReportWriter.write(report, Path.of("target", "accuracy"));
        assertEquals(Set.of(), AccuracySchema.problems(written));
        String table = ConsoleTable.render(report);
        Allure.addAttachment("accuracy table", "text/markdown", table, ".md");
        Allure.addAttachment("accuracy.json", "application/json", Files.readString(written), ".json");
        List<String> failures = new ArrayList<>();
        for (PairResult p : report.pairs()) {
            Allure.addAttachment("worst tokens " + p.candidate(), "text/markdown", ConsoleTable.worstTokens(p), ".md");
            if (p.gate() != null && !p.gate().passed()) {
                p.gate().failures().forEach(f -> failures.add(p.candidate() + ": " + f));
            }
        }
        assertTrue(failures.isEmpty(), "accuracy gates crossed:\n" + String.join("\n", failures) + "\n\n" + table);
    }
}
