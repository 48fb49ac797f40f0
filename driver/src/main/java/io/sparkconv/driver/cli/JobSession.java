package io.sparkconv.driver.cli;

import org.apache.spark.SparkConf;

/**
 * The Spark conf of a batch job a command runs (prep, predict): the master from {@code --master}
 * unless spark-submit gave one, the job's name, and no console progress bar (the jobs print their
 * own progress lines).
 */
final class JobSession {
    private JobSession() {}

    static SparkConf conf(String master, String appName) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(master);
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return conf;
    }
}
