package dev.gauntlet.accuracy.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** The published schema of {@code accuracy.json}, for tests that check what the suite writes. */
public final class AccuracySchema {
    private AccuracySchema() {
    }

    /** The schema violations of a written report (empty when it conforms). */
    public static Set<String> problems(Path accuracyJson) throws IOException {
        JsonSchema schema;
        try (InputStream in = AccuracySchema.class.getResourceAsStream("accuracy.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        Set<String> problems = new TreeSet<>();
        schema.validate(new ObjectMapper().readTree(accuracyJson.toFile())).forEach(m -> problems.add(m.getMessage()));
        return problems;
    }
}
