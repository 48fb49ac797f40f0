package io.sparkconv.driver.config;


/**
 * How training is spread over a Spark cluster.
 *
 * @param master           Spark master: {@code local[*]}, {@code local[N]}, {@code spark://HOST:PORT},
 *                         {@code yarn}, {@code k8s://...}; {@code none} trains in this process without Spark
 * @param workers          K, the number of workers (one long-lived task each); 0 = one per executor
 *                         (on {@code local[N]}: N). The batches do not depend on K (see
 *                         {@code data.virtual_shards}): a run on one process draws those of any K
 * @param sync             {@code ring}: barrier tasks all-reduce over TCP every step; {@code spark}:
 *                         one Spark job per step (broadcast, treeAggregate), for clusters that refuse
 *                         barrier stages
 * @param checkpointEvery  steps between checkpoints (and one at every epoch end); 0 = epoch ends only
 * @param checkpointDir    any Hadoop path (file://, hdfs://); default OUT/checkpoints
 * @param timeoutSeconds   the longest any socket operation between workers may go without progress
 * @param maxAttempts      how many times Spark may launch the training stage (relaunches resume
 *                         from the last checkpoint)
 * @param transport        {@code auto}: ring hops between workers on the same host go through shared
 *                         memory ({@code /dev/shm}), hops between hosts over TCP; {@code tcp}: every
 *                         hop over TCP
 */
public record DistributedConfig(String master, Integer workers, SyncMode sync, Integer checkpointEvery,
                                String checkpointDir, Integer timeoutSeconds, Integer maxAttempts, Transport transport) {
    public DistributedConfig {
        master = master == null ? "local[*]" : master;
        workers = workers == null ? 0 : workers;
        sync = sync == null ? SyncMode.RING : sync;
        checkpointEvery = checkpointEvery == null ? 0 : checkpointEvery;
        timeoutSeconds = timeoutSeconds == null ? 30 : timeoutSeconds;
        maxAttempts = maxAttempts == null ? 4 : maxAttempts;
        transport = transport == null ? Transport.AUTO : transport;
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0, got " + workers);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint_every must be >= 0, got " + checkpointEvery);
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout_seconds must be >= 1, got " + timeoutSeconds);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max_attempts must be >= 1, got " + maxAttempts);
        }
    }

    static DistributedConfig defaults() {
        return new DistributedConfig(null, null, null, null, null, null, null, null);
    }

    public boolean onSpark() {
        return !master.equalsIgnoreCase("none");
    }

    /** Whether ring hops between co-located workers may use shared memory. */
    public boolean sharedMemory() {
        return transport == Transport.AUTO;
    }
}
