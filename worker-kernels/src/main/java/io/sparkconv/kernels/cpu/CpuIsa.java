package io.sparkconv.kernels.cpu;

import java.util.List;

/**
 * The instruction set oneDNN dispatches its kernels to in this process: the CPU's own, capped by
 * {@code ONEDNN_MAX_CPU_ISA} (oneDNN's switch for running as an older CPU would), as
 * {@code dnnl_get_effective_cpu_isa} reports it. oneDNN's ISA values are bit sets, each level
 * holding the bits of those below it, so a value is named by the highest level whose bits it has.
 *
 * <p>Why not "can a bf16 primitive be created": on plain AVX-512 (Skylake to Ice Lake) oneDNN
 * creates bf16 convolutions and runs them by emulation, 3-4x slower than fp32, and on AVX2 it
 * creates none. Native bf16 is AVX512-BF16 ({@code avx512_core_bf16}, and everything above it:
 * AVX512-FP16, AMX) or AVX2-VNNI-2 ({@code avx2_vnni_2}, AVX-NE-CONVERT).
 *
 * @param name oneDNN's name of the level, e.g. {@code avx2} or {@code avx512_core_bf16}; {@code none}
 *             where oneDNN reports no x86 level (another architecture)
 * @param bits the value {@code dnnl_get_effective_cpu_isa} returned
 */
public record CpuIsa(String name, int bits) {
    /** What bf16 needs, for messages. */
    public static final String BF16_NEEDS = "AVX512-BF16 (avx512_core_bf16), AMX (avx512_core_amx) or AVX2-VNNI-2 (avx2_vnni_2)";

    private record Level(String name, int bits) {}

    /** oneDNN 3.8's dnnl_cpu_isa_t, highest first (values from dnnl_types.h; avx10_1_512 aliases avx512_core_fp16). */
    private static final List<Level> LEVELS = List.of(
            new Level("avx512_core_amx_fp16", 0x1fef),
            new Level("avx512_core_amx", 0xfef),
            new Level("avx512_core_fp16", 0x1ef),
            new Level("avx512_core_bf16", 0xe7),
            new Level("avx512_core_vnni", 0x67),
            new Level("avx512_core", 0x27),
            new Level("avx2_vnni_2", 0x1f),
            new Level("avx2_vnni", 0xf),
            new Level("avx2", 0x7),
            new Level("avx", 0x3),
            new Level("sse41", 0x1));
    private static final int AVX512_CORE_BF16 = 0xe7;
    private static final int AVX2_VNNI_2 = 0x1f;

    /** The level oneDNN's value stands for. */
    public static CpuIsa of(int bits) {
        for (Level l : LEVELS) {
            if ((bits & l.bits) == l.bits) {
                return new CpuIsa(l.name, bits);
            }
        }
        return new CpuIsa("none", bits);
    }

    /** By name, as {@link #name()} writes it (what executors report to the driver). */
    public static CpuIsa named(String name) {
        for (Level l : LEVELS) {
            if (l.name.equals(name)) {
                return new CpuIsa(l.name, l.bits);
            }
        }
        return new CpuIsa(name, 0);
    }

    /** True where bf16 convolutions and inner products run on bf16 instructions, not emulated. */
    public boolean nativeBf16() {
        return (bits & AVX512_CORE_BF16) == AVX512_CORE_BF16 || (bits & AVX2_VNNI_2) == AVX2_VNNI_2;
    }

    @Override
    public String toString() {
        return name;
    }
}
