package io.sparkconv.driver.predict;

import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.data.SplitUnits;
import io.sparkconv.driver.train.Classifier;
import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.backends.Backends;
import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.prep.augment.Augmenter;
import io.sparkconv.prep.data.ImageSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One prediction task: the broadcast model compiled once on the task's cores (in the run's
 * precision where this CPU runs it natively, else fp32; the weights are fp32 either way), then its
 * units read one after another and classified a batch at a time.
 */
final class PredictTask implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<ModelShipment> model;
    private final String inputConfigJson;
    private final String split;
    private final int top;
    private final String backend;
    /** The input's label to the run's class, -1 for none (an image folder's classes); null: the same numbers. */
    private final int[] labels;

    PredictTask(Broadcast<ModelShipment> model, String inputConfigJson, String split, int top, String backend, int[] labels) {
        this.labels = labels;
        this.model = model;
        this.inputConfigJson = inputConfigJson;
        this.split = split;
        this.top = top;
        this.backend = backend;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> units) throws Exception {
        if (!units.hasNext()) {
            return List.<Row>of().iterator();
        }
        ModelShipment m = model.value();
        TrainConfig run = TrainConfig.fromJson(m.configJson);
        NetPlan plan = NetPlan.of(run.netSpec());
        SplitUnits part = RunData.open(TrainConfig.fromJson(inputConfigJson).data()).part(split);
        int batch = run.training().evalBatchSize();
        int cpus = TaskContext.get() != null ? Math.max(1, TaskContext.get().cpus()) : 1;
        PrecisionChoice precision = run.runtime().precision() == PrecisionChoice.FP32 ? PrecisionChoice.FP32 : PrecisionChoice.AUTO;
        BackendChoice choice = backend != null ? BackendChoice.parse(backend) : run.runtime().backend();
        List<Row> rows = new ArrayList<>();
        try (ThreadTeam team = new ThreadTeam(cpus); Net net = Backends.select(choice, precision).compile(plan, batch, team)) {
            System.arraycopy(m.params, 0, net.parameters(), 0, m.params.length);
            net.parametersChanged();
            Classifier classifier = new Classifier(net, new Augmenter(run.augment(), m.statistics), batch);
            int classes = classifier.classes();
            int[] order = new int[top];
            while (units.hasNext()) {
                ImageSet set = part.read(units.next());
                for (int from = 0; from < set.size(); from += classifier.chunk()) {
                    int n = Math.min(classifier.chunk(), set.size() - from);
                    float[] p = classifier.probabilities(set, from, n);
                    for (int i = 0; i < n; i++) {
                        rows.add(row(set, from + i, p, i, classes, order));
                    }
                }
            }
        }
        return rows.iterator();
    }

    private Row row(ImageSet set, int index, float[] p, int i, int classes, int[] order) {
        mostProbable(p, i * classes, classes, order);
        int predicted = order[0];
        Object[] values = new Object[4 + 2 * top];
        values[0] = set.keys()[index];
        int label = set.labels()[index];
        values[1] = labels == null ? Integer.valueOf(label) : labels[label] >= 0 ? Integer.valueOf(labels[label]) : null;
        values[2] = predicted;
        values[3] = model.value().classNames.get(predicted);
        for (int k = 0; k < top; k++) {
            values[4 + 2 * k] = order[k];
            values[5 + 2 * k] = p[i * classes + order[k]];
        }
        return RowFactory.create(values);
    }

    /**
     * The order.length most probable classes of the row at p[at..at+classes), most probable first,
     * equal ones in class order (so the first is {@link Classifier#argmax}'s): an insertion into a
     * short list, not a sort of every class.
     */
    static void mostProbable(float[] p, int at, int classes, int[] order) {
        int k = order.length;
        int filled = 0;
        for (int c = 0; c < classes; c++) {
            float v = p[at + c];
            if (filled == k && !(v > p[at + order[k - 1]])) {
                continue;
            }
            int j = Math.min(filled, k - 1);
            while (j > 0 && v > p[at + order[j - 1]]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = c;
            filled = Math.min(k, filled + 1);
        }
    }
}
