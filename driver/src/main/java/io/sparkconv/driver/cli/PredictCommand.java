package io.sparkconv.driver.cli;

import io.sparkconv.driver.predict.PredictOptions;
import io.sparkconv.driver.predict.Prediction;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.kernels.backends.BackendChoice;
import io.sparkconv.kernels.onednn.OneDnn;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkconv predict --run DIR --out DIR [--input PATH] [--split S] [--top K]}: classifies a
 * dataset's images with a trained model as a Spark job ({@link Prediction}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify images with a trained run's model, as a Spark job: a row per image (key, label, prediction,"
                + " top-K classes and probabilities) in OUT/predictions, and the accuracy and confusion matrix of labelled"
                + " images in OUT/predict.json.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "A run directory (holding model/) or a model directory.")
    Path run;

    @Option(names = "--input", description = "A prepared dataset or a folder of IDX files (default: the data the run trained on).")
    String input;

    @Option(names = "--split", defaultValue = "test", description = "Which part of the input: test (default), validation or train.")
    String split;

    @Option(names = "--out", required = true, description = "The output folder; it must not hold predictions already.")
    String out;

    @Option(names = "--top", defaultValue = "5", description = "The most probable classes listed per image (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--format", defaultValue = "parquet", description = "parquet (default) or csv.")
    String format;

    @Option(names = "--backend", description = "Override runtime.backend: auto, java or onednn.")
    String backend;

    @Option(names = "--threads", defaultValue = "0",
            description = "Kernel threads per task (spark.task.cpus); 0 = oneDNN's OpenMP pool (OMP_NUM_THREADS,"
                    + " which the launcher sets to every core unless given), so tasks never oversubscribe the cores.")
    int threads;

    @Option(names = "--master", defaultValue = "local[*]",
            description = "Spark master (default ${DEFAULT-VALUE}); a master given by spark-submit wins.")
    String master;

    @Override
    public Integer call() throws Exception {
        // options and the model are checked before Spark starts
        PredictOptions options = new PredictOptions(input, split, out, top, format,
                backend != null ? BackendChoice.parse(backend) : null);
        TrainedModel model = TrainedModel.of(run);
        SparkConf conf = JobSession.conf(master, "sparkconv-predict");
        // Each task's net runs on spark.task.cpus threads, and oneDNN's OpenMP pool is as large in
        // every task: local tasks share this JVM's cores, so more at once would oversubscribe them.
        int perTask = threads > 0 ? threads : OneDnn.available() ? OneDnn.ompThreads() : 1;
        conf.setIfMissing("spark.task.cpus", Integer.toString(perTask));
        conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(perTask));
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        Prediction.run(spark, model, run.toAbsolutePath().toString(), options, System.out);
        return 0;
    }
}
