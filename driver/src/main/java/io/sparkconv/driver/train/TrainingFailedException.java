package io.sparkconv.driver.train;

import io.sparkconv.driver.checkpoint.Checkpoint;
import java.io.IOException;
import java.util.Optional;

/**
 * A run that could not finish, for a reason that is not a bug of ours: a cluster that failed in
 * every attempt it was allowed, or a training loss that stopped being finite. The message is the
 * one line the command line prints (exit code 1).
 */
public final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrainingFailedException(String message) {
        super(message);
    }

    /** A diverged run: where it diverged, and the last checkpoint written before it, which is kept. */
    public static TrainingFailedException diverged(String why, String checkpointDir) throws IOException {
        Optional<Checkpoint> last = Checkpoint.latest(checkpointDir);
        return new TrainingFailedException("training diverged: " + why + "; " + last
                .map(c -> String.format("the last finite checkpoint (epoch %d, step %d) is kept in %s",
                        c.header().epoch(), c.header().step(), checkpointDir))
                .orElse("no checkpoint was written before it"));
    }
}
