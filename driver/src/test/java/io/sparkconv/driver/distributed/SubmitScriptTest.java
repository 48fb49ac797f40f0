package io.sparkconv.driver.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spark-submit wrapper's command lines (there is no cluster manager here to submit to). */
class SubmitScriptTest {
    static final Path SUBMIT = Path.of("..", "submit-scripts", "submit").toAbsolutePath().normalize();

    static String[] dryRun(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SUBMIT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.waitFor()), out};
    }

    @Test
    void eachTargetGetsItsMasterAndOneWorkerPerExecutor() throws Exception {
        String[] yarn = dryRun("--target", "yarn", "--executors", "4", "--cores", "2", "--dry-run", "--", "train", "--workers", "4");
        assertEquals("0", yarn[0], yarn[1]);
        assertTrue(yarn[1].contains("--master yarn") && yarn[1].contains("--num-executors 4")
                && yarn[1].contains("spark.task.cpus=2") && yarn[1].contains("spark.executorEnv.OMP_NUM_THREADS=2")
                && yarn[1].contains("-app.jar train --workers 4"), yarn[1]);
        String[] standalone = dryRun("--target", "standalone", "--master", "spark://h:7077", "--executors", "3",
                "--cores", "4", "--dry-run", "--", "train");
        assertTrue(standalone[1].contains("--total-executor-cores 12"), standalone[1]);
        String[] k8s = dryRun("--target", "k8s", "--master", "k8s://https://api:6443", "--image", "repo/sparkconv:1",
                "--dry-run", "--", "train");
        assertTrue(k8s[1].contains("spark.kubernetes.container.image=repo/sparkconv:1")
                && k8s[1].contains("--deploy-mode cluster"), k8s[1]);
        String[] local = dryRun("--target", "local", "--cores", "2", "--dry-run", "--", "train");
        assertTrue(local[1].contains("--master local\\[2\\]") || local[1].contains("--master 'local[2]'"), local[1]);
    }

    @Test
    void missingPiecesAreNamed() throws Exception {
        String[] k8s = dryRun("--target", "k8s", "--master", "k8s://https://api:6443", "--dry-run", "--", "train");
        assertEquals("2", k8s[0]);
        assertTrue(k8s[1].contains("needs --image"), k8s[1]);
        String[] noArgs = dryRun("--target", "yarn", "--dry-run");
        assertEquals("2", noArgs[0]);
    }
}
