package io.sparkconv.kernels.train;

import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.optim.LearningRateSchedule;
import io.sparkconv.kernels.optim.Sgd;
import io.sparkconv.kernels.parallel.ThreadTeam;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop, written once for every mode: epochs and steps of the batch plan, the update,
 * validation after every epoch, checkpoints, the stopping rules and progress. What differs between
 * one process, a ring of barrier workers and one Spark job per step is only where a step's summed
 * gradient comes from ({@link Replicas}); every replica of a ring runs this same loop on the same
 * summed numbers, so all of them take the same decisions at the same step.
 *
 * <p>Stopping: a step whose summed loss is not finite stops the run there (the parameters are
 * already lost; the last checkpoint written before it is the last finite state), and with
 * {@code stopHopelessAfter} = N > 0 so does validation accuracy at most 1.5x chance after epoch N
 * ({@link HopelessRun}).
 */
public final class EpochLoop {
    /** How a run of the loop ended. */
    public enum Stop { COMPLETED, HOPELESS, DIVERGED }

    /**
     * The run's shape.
     *
     * @param checkpointEvery   steps between mid-epoch checkpoints; 0 = only at epoch ends
     * @param stopHopelessAfter see {@link HopelessRun}; 0 = never
     * @param classes           for the hopeless rule's chance level
     */
    public record Plan(int epochs, int stepsPerEpoch, int batchSize, double lr, LearningRateSchedule schedule,
                       int checkpointEvery, int stopHopelessAfter, int classes) {}

    /** The parameters the loop updates and the gradient the replicas sum into, and whom to tell of an update. */
    public record Model(float[] params, float[] grads, Runnable parametersChanged) {
        public static Model of(Net net) {
            return new Model(net.parameters(), net.gradients(), net::parametersChanged);
        }
    }

    /**
     * What the run did.
     *
     * @param message   why it stopped early, in a user's words; null when it completed
     * @param stepsRun  steps this call ran (not those before a resume)
     * @param loopSeconds time in the step loops, validation excluded
     * @param last      the state at the end: the final parameters, or at a divergence the ones that diverged
     */
    public record Outcome(Stop stop, String message, long stepsRun, double loopSeconds, TrainingState last) {}

    private final Plan plan;
    private final Model model;
    private final Sgd sgd;
    private final ThreadTeam team;
    private final Replicas replicas;
    private CheckpointSink checkpoints = CheckpointSink.NONE;
    private TrainingProgress progress = TrainingProgress.NONE;

    /** The update runs on team's threads. */
    public EpochLoop(Plan plan, Model model, Sgd sgd, ThreadTeam team, Replicas replicas) {
        this.plan = plan;
        this.model = model;
        this.sgd = sgd;
        this.team = team;
        this.replicas = replicas;
    }

    public EpochLoop checkpointsTo(CheckpointSink sink) {
        this.checkpoints = sink;
        return this;
    }

    public EpochLoop reportingTo(TrainingProgress listener) {
        this.progress = listener;
        return this;
    }

    /**
     * Trains from {@code resume} (its parameters, velocity, metrics and position), or, when it is
     * null, from the parameters the model holds (initialized by the caller) at epoch 0.
     */
    public Outcome run(TrainingState resume) throws IOException {
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valAccuracy = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        int startEpoch = 0;
        int startStep = 0;
        Double carried = null;
        if (resume != null) {
            System.arraycopy(resume.params(), 0, model.params(), 0, model.params().length);
            System.arraycopy(resume.velocity(), 0, sgd.velocity(), 0, sgd.velocity().length);
            trainLoss.addAll(resume.trainLoss());
            valAccuracy.addAll(resume.valAccuracy());
            valLoss.addAll(resume.valLoss());
            startEpoch = resume.epoch();
            startStep = resume.step();
            carried = resume.epochLossSum();
        }
        model.parametersChanged().run();
        progress.started(startEpoch, startStep, resume != null);
        int steps = plan.stepsPerEpoch();
        long stepsRun = 0;
        long loopNanos = 0;
        for (int epoch = startEpoch; epoch < plan.epochs(); epoch++) {
            int first = epoch == startEpoch ? startStep : 0;
            // A checkpoint from before epochLossSum existed: the epoch's mean covers the resumed steps only.
            boolean wholeEpoch = first == 0 || carried != null;
            double lossSum = first > 0 && carried != null ? carried : 0;
            int lossSteps = wholeEpoch ? 0 : first;
            long epochStart = System.nanoTime();
            for (int s = first; s < steps; s++) {
                double loss = replicas.gradient(epoch, s);
                if (!Double.isFinite(loss)) {
                    loopNanos += System.nanoTime() - epochStart;
                    String message = String.format(Locale.ROOT, "the training loss is %s at epoch %d, step %d of %d",
                            loss, epoch + 1, s + 1, steps);
                    progress.stopped(epoch, s, Stop.DIVERGED, message);
                    return new Outcome(Stop.DIVERGED, message, stepsRun, loopNanos / 1e9,
                            state(epoch, s, trainLoss, valAccuracy, valLoss, null));
                }
                double lr = plan.lr() * plan.schedule().factor(epoch + (double) s / steps, plan.epochs());
                sgd.apply(model.params(), model.grads(), lr, team);
                model.parametersChanged().run();
                stepsRun++;
                lossSum += loss;
                progress.step(epoch, plan.epochs(), s + 1, steps, lossSum / (s + 1 - lossSteps),
                        (double) (s + 1 - first) * plan.batchSize() / ((System.nanoTime() - epochStart) / 1e9));
                boolean epochEnd = s == steps - 1;
                if (!epochEnd && plan.checkpointEvery() > 0 && (s + 1) % plan.checkpointEvery() == 0) {
                    checkpoint(state(epoch, s + 1, trainLoss, valAccuracy, valLoss, wholeEpoch ? lossSum : null));
                }
            }
            long epochNanos = System.nanoTime() - epochStart;
            loopNanos += epochNanos;
            ValidationScores val = replicas.validate();
            double epochLoss = lossSum / (steps - lossSteps);
            trainLoss.add(epochLoss);
            valAccuracy.add(val.accuracy());
            valLoss.add(val.loss());
            progress.epoch(epoch, plan.epochs(), epochLoss, val, epochNanos / 1e9, (long) (steps - first) * plan.batchSize());
            checkpoint(state(epoch + 1, 0, trainLoss, valAccuracy, valLoss, null));
            if (HopelessRun.shouldStop(epoch + 1, plan.stopHopelessAfter(), epochLoss, val.accuracy(), plan.classes())) {
                String message = String.format(Locale.ROOT, "validation accuracy %.4f after epoch %d is near chance (%.4f)",
                        val.accuracy(), epoch + 1, 1.0 / plan.classes());
                progress.stopped(epoch + 1, 0, Stop.HOPELESS, message);
                return new Outcome(Stop.HOPELESS, message, stepsRun, loopNanos / 1e9,
                        state(epoch + 1, 0, trainLoss, valAccuracy, valLoss, null));
            }
        }
        return new Outcome(Stop.COMPLETED, null, stepsRun, loopNanos / 1e9,
                state(plan.epochs(), 0, trainLoss, valAccuracy, valLoss, null));
    }

    private TrainingState state(int epoch, int step, List<Double> trainLoss, List<Double> valAccuracy,
                                List<Double> valLoss, Double epochLossSum) {
        return new TrainingState(epoch, step, (long) epoch * plan.stepsPerEpoch() + step, List.copyOf(trainLoss),
                List.copyOf(valAccuracy), List.copyOf(valLoss), epochLossSum, model.params(), sgd.velocity());
    }

    private void checkpoint(TrainingState state) throws IOException {
        String path = checkpoints.write(state);
        if (path != null) {
            progress.checkpoint(state.epoch(), state.step(), path);
        }
    }
}
