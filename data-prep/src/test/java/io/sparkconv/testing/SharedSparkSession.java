package io.sparkconv.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one real local SparkSession per test JVM: {@code @ExtendWith(SharedSparkSession.class)}
 * and a {@code SparkSession} parameter. Starting Spark costs seconds, so the session lives in the
 * root extension store and is stopped once, when the JVM's test run ends.
 *
 * <p>local[2] rather than local[*]: two task slots is what these machines have, and it makes
 * partitioning effects (two tasks running at once) show up in every test.
 */
public final class SharedSparkSession implements ParameterResolver, BeforeAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SharedSparkSession.class);

    /** Started before the class's tests, so code under test that calls getOrCreate finds this session. */
    @Override
    public void beforeAll(ExtensionContext e) {
        session(e);
    }

    private static SparkSession session(ExtensionContext e) {
        return e.getRoot().getStore(NS).getOrComputeIfAbsent("session", k -> new Holder(), Holder.class).session;
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return session(e);
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final SparkSession session = SparkSession.builder()
                .master("local[2]")
                .appName("sparkconv-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();

        @Override
        public void close() {
            session.stop();
        }
    }
}
