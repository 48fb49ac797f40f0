package io.sparkconv.driver.cli;

import io.sparkconv.kernels.spec.SpecException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns the failures a user can fix (a bad config, a missing or corrupt file) into one clear line
 * and exit code 2; anything else is a bug and keeps its stack trace.
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
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
