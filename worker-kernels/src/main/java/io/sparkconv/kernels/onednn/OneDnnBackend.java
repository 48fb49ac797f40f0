package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.net.Backend;
import io.sparkconv.kernels.net.Net;
import io.sparkconv.kernels.parallel.ThreadTeam;
import io.sparkconv.kernels.spec.NetPlan;

/** The native backend: every layer through oneDNN primitives, in fp32 or bf16. */
public final class OneDnnBackend implements Backend {
    public static final String NAME = "onednn";
    private final Precision precision;

    /**
     * @throws PrecisionChoice.UnsupportedPrecisionException for bf16 where this CPU would only emulate it
     * @throws IllegalStateException where oneDNN cannot load
     */
    public OneDnnBackend(Precision precision) {
        if (precision == Precision.BF16) {
            PrecisionChoice.BF16.resolve(OneDnn.isa(), "this machine");
        }
        this.precision = precision;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Net compile(NetPlan plan, int maxBatch, ThreadTeam team) {
        OneDnn.engine(); // fails here, clearly, when the library cannot load
        return new OneDnnNet(plan, maxBatch, team, precision);
    }
}
