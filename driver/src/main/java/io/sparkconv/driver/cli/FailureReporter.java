package io.sparkconv.driver.cli;

import io.sparkconv.driver.train.TrainingFailedException;
import io.sparkconv.kernels.spec.SpecException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns the failures a user can fix (a bad config, a missing or corrupt file) into one clear line
 * and exit code 2, and a run that failed in all its attempts into one line and exit code 1;
 * anything else is a bug and keeps its stack trace.
 */
final class FailureReporter implements CommandLine.IExecutionExceptionHandler {
    static final int USER_ERROR = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof SpecException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("sparkconv: " + e.getMessage());
            return USER_ERROR;
        }
        if (e instanceof NoSuchFileException nsf) {
            cmd.getErr().println("sparkconv: " + (nsf.getReason() != null ? nsf.getReason() : "no such file: " + nsf.getFile()));
            return USER_ERROR;
        }
        if (e instanceof IOException) {
            cmd.getErr().println("sparkconv: " + e.getMessage());
            return USER_ERROR;
        }
        if (e instanceof TrainingFailedException) {
            // Not a bug of ours: a cluster that kept failing. One line; Spark's log has the traces.
            cmd.getErr().println("sparkconv: " + e.getMessage());
            return 1;
        }
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
