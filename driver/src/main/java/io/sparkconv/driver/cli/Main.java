package io.sparkconv.driver.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sparkconv} command line: one subcommand per job. */
@Command(name = "sparkconv", mixinStandardHelpOptions = true, version = "sparkconv 0.1.0",
        description = "Distributed trainer for convolutional networks on Apache Spark.",
        subcommands = {TrainCommand.class, PrepCommand.class, CvCommand.class, EvaluateCommand.class, PredictCommand.class,
                DescribeCommand.class, BenchCommand.class, AllReduceBenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests: no System.exit). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new FailureReporter());
        return cli.execute(args);
    }
}
