package dev.gauntlet.accuracy.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes and reads {@code accuracy.json}: snake_case fields, indented. */
public final class ReportWriter {
    /** The file name inside a run folder. */
    public static final String FILE_NAME = "accuracy.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** Writes {@code report} as {@code dir/accuracy.json}, creating {@code dir}; returns the file. */
    public static Path write(AccuracyReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        JSON.writeValue(file.toFile(), report);
        return file;
    }

    /** Reads a report written by {@link #write}. */
    public static AccuracyReport read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), AccuracyReport.class);
    }
}
