package dev.gauntlet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./gauntlet} entry point: one subcommand per job. */
@Command(name = "gauntlet",
        mixinStandardHelpOptions = true,
        version = "gauntlet 0.1.0",
        description = "Load, chaos and accuracy suites for LLM inference engines, with a reference quantized Llama engine.",
        subcommands = {ModelCommand.class, GenerateCommand.class, ConformanceCommand.class, ServeCommand.class,
                BenchCommand.class, CampaignCommand.class, AccuracyCommand.class, CommandLine.HelpCommand.class})
public final class GauntletCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: bad option values are reported by name, without a stack trace. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GauntletCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof dev.gauntlet.engine.gguf.GgufFormatException
                    || ex instanceof dev.gauntlet.engine.scheduler.RequestRejectedException
                    || ex instanceof dev.gauntlet.engine.backend.BackendUnavailableException
                    || ex instanceof java.io.IOException) {
                String message = ex instanceof java.nio.file.NoSuchFileException ? "no such file: " + ex.getMessage() : ex.getMessage();
                System.err.println("gauntlet " + commandLine.getCommandName() + ": " + message);
                return 2;
            }
            throw ex;
        });
        return cl;
    }
}
