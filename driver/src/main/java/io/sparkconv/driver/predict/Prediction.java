package io.sparkconv.driver.predict;

import io.sparkconv.driver.config.DataFormat;
import io.sparkconv.driver.config.TrainConfig;
import io.sparkconv.driver.data.RunData;
import io.sparkconv.driver.json.Json;
import io.sparkconv.driver.report.TestLedger;
import io.sparkconv.driver.train.TrainedModel;
import io.sparkconv.kernels.spec.NetPlan;
import io.sparkconv.kernels.spec.Shape;
import io.sparkconv.prep.augment.PixelStatistics;
import io.sparkconv.prep.job.PrepJob;
import io.sparkconv.prep.job.PrepOptions;
import io.sparkconv.prep.manifest.Manifest;
import io.sparkconv.prep.source.InputFormat;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code predict} as a Spark job: the model broadcast once, each task classifying its units of the
 * input (a prepared dataset's files, or chunks of IDX files) in batches on its executor's cores,
 * as training scored them ({@link io.sparkconv.driver.train.Classifier}: the same windows, the same
 * normalization, the same batches, so the same probabilities); one row per image to
 * {@code OUT/predictions} and, where the images have labels, the accuracy and confusion matrix to
 * {@code OUT/predict.json}. The driver reads no pixels.
 */
public final class Prediction {
    /**
     * What {@code predict.json} holds.
     *
     * @param split     the part of the input scored; "all" for a folder of images
     * @param confusion rows the true class, columns the predicted one, counts
     * @param rejected  images of a folder that could not be decoded, with the decoder's reason
     */
    public record Result(String run, String input, String split, String output, String format, long images,
                         long labelled, double accuracy, List<String> classes, long[][] confusion, int top,
                         double seconds, double imagesPerSecond, List<Manifest.Rejection> rejected) {}

    private Prediction() {}

    public static Result run(SparkSession spark, TrainedModel model, String runDir, PredictOptions o, PrintStream log)
            throws IOException {
        long start = System.nanoTime();
        TrainConfig run = model.config();
        NetPlan plan = NetPlan.of(run.netSpec());
        PixelStatistics statistics = model.statistics();
        List<String> names = model.classNames(plan.classes());
        String split = o.split();
        TrainConfig in = run;
        int[] labels = null;
        List<Manifest.Rejection> rejected = List.of();
        if (o.input() != null) {
            InputFormat format = inputFormat(o.input());
            String path = o.input();
            if (format == InputFormat.FOLDER) {
                // Images as prep reads them: decoded, converted and resized to the run's shape into a
                // prepared dataset beside the predictions, every record in one part; bad files listed.
                Shape s = statistics.shape();
                if (s.height() != s.width()) {
                    throw new IllegalArgumentException("the run was trained on " + s + " images; prep makes S x S ones");
                }
                path = new org.apache.hadoop.fs.Path(o.out(), "images").toString();
                Manifest m = new PrepJob(spark, log).run(PrepOptions.of(o.input(), path).withSize(s.height())
                        .withChannels(s.channels()).withFractions(0.0, 0.0).withFolds(1));
                rejected = m.rejected();
                labels = labelMap(m.classes(), names);
                split = "train";
            }
            in = run.with(inputData(path, format == InputFormat.IDX ? DataFormat.IDX : DataFormat.PREPARED));
        }
        String inputPath = o.input() != null ? o.input() : in.data().path();
        Shape stored = RunData.layout(in.data()).shape();
        if (!stored.equals(statistics.shape())) {
            throw new IllegalArgumentException(inputPath + " holds " + stored + " images; the run was trained on "
                    + statistics.shape() + " ones (prepare them with the run's --size and --channels)");
        }
        long[] units = RunData.partUnits(in.data(), split);
        int top = Math.min(o.top(), plan.classes());
        log.printf("predict: %s split of %s, %,d images in %d units, with %s (%s)%n", split, inputPath,
                java.util.Arrays.stream(units).sum(), units.length, plan.spec().name(), runDir);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<ModelShipment> shipment = jsc.broadcast(new ModelShipment(run.toJson(), model.checkpoint().params(),
                statistics, names));
        List<Integer> all = new ArrayList<>();
        for (int u = 0; u < units.length; u++) {
            all.add(u);
        }
        Path predictions = Path.of(o.out(), "predictions");
        try {
            JavaRDD<Row> rows = jsc.parallelize(all, Math.max(1, Math.min(units.length, 2 * jsc.defaultParallelism())))
                    .mapPartitions(new PredictTask(shipment, in.toJson(), split, top,
                            o.backend() == null ? null : o.backend().word(), labels));
            Dataset<Row> frame = spark.createDataFrame(rows, schema(top));
            if (o.format().equals("csv")) {
                frame.write().option("header", "true").csv(predictions.toString());
            } else {
                // keys are unique and probabilities nearly so: a dictionary would be built only to be dropped
                frame.write().option("parquet.enable.dictionary", "false").parquet(predictions.toString());
            }
        } finally {
            shipment.destroy();
        }
        double classified = (System.nanoTime() - start) / 1e9;
        Dataset<Row> written = o.format().equals("csv")
                ? spark.read().option("header", "true").schema(schema(top)).csv(predictions.toString())
                : spark.read().parquet(predictions.toString());
        long[][] confusion = new long[plan.classes()][plan.classes()];
        long images = 0;
        long labelled = 0;
        long correct = 0;
        for (Row r : written.groupBy("label", "prediction").count().collectAsList()) {
            long n = r.getLong(2);
            images += n;
            if (!r.isNullAt(0)) {
                int label = r.getInt(0);
                int predicted = r.getInt(1);
                confusion[label][predicted] += n;
                labelled += n;
                correct += label == predicted ? n : 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Result result = new Result(runDir, inputPath, labels != null ? "all" : split, predictions.toString(), o.format(),
                images, labelled, labelled > 0 ? (double) correct / labelled : Double.NaN, names, confusion, top, seconds,
                images / seconds, rejected);
        Json.writeAtomically(Path.of(o.out(), "predict.json"), result);
        if (o.input() == null && o.split().equals("test")) {
            TestLedger.forUser().noteUse(run.data(), "predict", runDir, result.accuracy(), log, true);
        }
        for (Manifest.Rejection r : rejected) {
            log.printf("predict: rejected %s: %s%n", r.key(), r.reason());
        }
        log.printf(Locale.ROOT, "predict: %,d images in %.1f s (%.0f images/s; %.1f s to classify and write them)%s;"
                        + " rows in %s%n", images, seconds, images / seconds, classified, labelled > 0 ? String.format(Locale.ROOT, ", accuracy %.4f on %,d labelled", result.accuracy(),
                        labelled) : "", predictions);
        return result;
    }

    /** What an input folder holds: a prepared dataset (it has a manifest), IDX files, or images in class folders. */
    private static InputFormat inputFormat(String input) throws IOException {
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(input);
        FileSystem fs = dir.getFileSystem(new Configuration());
        if (!fs.exists(dir)) {
            throw new IllegalArgumentException("--input " + input + ": no such folder");
        }
        if (fs.exists(new org.apache.hadoop.fs.Path(dir, Manifest.FILE_NAME))) {
            return null; // prepared
        }
        InputFormat f = InputFormat.detect(fs, dir);
        if (f == InputFormat.CIFAR) {
            throw new IllegalArgumentException("--input " + input + ": CIFAR batches; prepare them with sparkconv prep first");
        }
        return f;
    }

    /** Another dataset than the run's, all of its parts as they are. */
    private static Map<String, Object> inputData(String path, DataFormat format) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("data.format", format.word());
        data.put("data.path", path);
        data.put("data.folds", 0);
        data.put("data.held_out_fold", -1);
        data.put("data.train_on_validation", false);
        return data;
    }

    /** An image folder's class (its folder) to the run's class of the same name, -1 where the run has none. */
    private static int[] labelMap(List<String> folders, List<String> runClasses) {
        int[] map = new int[folders.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = runClasses.indexOf(folders.get(i));
        }
        return map;
    }

    /** key, label (null when unknown), prediction and its class name, then the top K classes and probabilities. */
    static StructType schema(int top) {
        StructType s = new StructType()
                .add("key", DataTypes.StringType, false)
                .add("label", DataTypes.IntegerType, true)
                .add("prediction", DataTypes.IntegerType, false)
                .add("class", DataTypes.StringType, false);
        for (int k = 1; k <= top; k++) {
            s = s.add("class_" + k, DataTypes.IntegerType, false).add("probability_" + k, DataTypes.FloatType, false);
        }
        return s;
    }
}
