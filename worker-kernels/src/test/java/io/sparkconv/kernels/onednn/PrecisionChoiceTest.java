package io.sparkconv.kernels.onednn;

import io.sparkconv.kernels.cpu.PrecisionChoice;
import io.sparkconv.kernels.cpu.Precision;
import io.sparkconv.kernels.cpu.CpuIsa;
import static io.sparkconv.kernels.testing.NativeTestSupport.assumeOneDnn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.kernels.backends.Backends;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Which precision runs where: bf16 only on native bf16, auto picking it there and fp32 elsewhere. */
class PrecisionChoiceTest {
    // oneDNN's dnnl_cpu_isa_t values (dnnl_types.h), as dnnl_get_effective_cpu_isa returns them
    static final CpuIsa AVX2 = CpuIsa.of(0x7);
    static final CpuIsa AVX512 = CpuIsa.of(0x27);
    static final CpuIsa AVX512_BF16 = CpuIsa.of(0xe7);
    static final CpuIsa AMX = CpuIsa.of(0xfef);
    static final CpuIsa AVX2_VNNI_2 = CpuIsa.of(0x1f);

    @Test
    void isaLevelsAndNativeBf16() {
        assertEquals("avx2", AVX2.name());
        assertEquals("avx512_core", AVX512.name());
        assertEquals("avx512_core_bf16", AVX512_BF16.name());
        assertEquals("avx512_core_amx", AMX.name());
        assertEquals("avx2_vnni_2", AVX2_VNNI_2.name());
        assertEquals("avx512_core_vnni", CpuIsa.of(0x67).name());
        assertEquals("none", CpuIsa.of(0).name());
        assertFalse(AVX2.nativeBf16());
        assertFalse(AVX512.nativeBf16(), "plain AVX-512 only emulates bf16");
        assertFalse(CpuIsa.of(0x67).nativeBf16(), "VNNI is int8, not bf16");
        assertFalse(CpuIsa.of(0xf).nativeBf16());
        assertTrue(AVX512_BF16.nativeBf16());
        assertTrue(AMX.nativeBf16());
        assertTrue(CpuIsa.of(0x1ef).nativeBf16(), "avx512_core_fp16 has bf16 too");
        assertTrue(AVX2_VNNI_2.nativeBf16());
        assertEquals(AMX, CpuIsa.named("avx512_core_amx"));
        assertEquals(AVX2, CpuIsa.named(AVX2.name()));
    }

    @Test
    void autoIsBf16OnlyWhereNative() {
        assertEquals(Precision.FP32, PrecisionChoice.AUTO.resolve(AVX2, "h"));
        assertEquals(Precision.FP32, PrecisionChoice.AUTO.resolve(AVX512, "h"));
        assertEquals(Precision.BF16, PrecisionChoice.AUTO.resolve(AVX512_BF16, "h"));
        assertEquals(Precision.BF16, PrecisionChoice.AUTO.resolve(AMX, "h"));
        for (CpuIsa isa : new CpuIsa[] {AVX2, AVX512, AMX}) {
            assertEquals(Precision.FP32, PrecisionChoice.FP32.resolve(isa, "h"));
        }
        assertEquals(Precision.BF16, PrecisionChoice.BF16.resolve(AVX512_BF16, "h"));
    }

    @Test
    void bf16WithoutNativeSupportIsOneClearError() {
        for (CpuIsa isa : new CpuIsa[] {AVX2, AVX512}) {
            PrecisionChoice.UnsupportedPrecisionException e = assertThrows(PrecisionChoice.UnsupportedPrecisionException.class,
                    () -> PrecisionChoice.BF16.resolve(isa, "executor 2 on host-b"));
            assertTrue(e.getMessage().contains("runs at " + isa.name() + " on executor 2 on host-b"), e.getMessage());
            assertTrue(e.getMessage().contains("avx512_core_bf16"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            assertTrue(e instanceof IllegalArgumentException, "the command line's exit code 2");
        }
        assertEquals(PrecisionChoice.AUTO, PrecisionChoice.parse("AUTO"));
        assertEquals(PrecisionChoice.BF16, PrecisionChoice.parse("bfloat16"));
        assertThrows(IllegalArgumentException.class, () -> PrecisionChoice.parse("fp16"));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("auto"));
    }

    /** This process's CPU: what the backends pick, and that ONEDNN_MAX_CPU_ISA (CI's AVX2 pass) is in effect. */
    @Test
    void backendsResolveAgainstThisCpu() {
        assumeOneDnn();
        CpuIsa isa = OneDnn.isa();
        System.out.println("oneDNN dispatches to " + isa + (isa.nativeBf16() ? " (native bf16)" : " (no native bf16)"));
        String cap = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (cap != null && !cap.isBlank() && !cap.trim().equalsIgnoreCase("all")) {
            CpuIsa max = CpuIsa.named(cap.trim().toLowerCase(Locale.ROOT));
            assertTrue(max.bits() != 0, "ONEDNN_MAX_CPU_ISA=" + cap + " is not a level this test knows");
            assertEquals(isa.bits(), isa.bits() & max.bits(), "oneDNN runs at " + isa + " above ONEDNN_MAX_CPU_ISA=" + cap);
        }
        Precision auto = Backends.select("onednn", "auto").precision();
        assertEquals(isa.nativeBf16() ? Precision.BF16 : Precision.FP32, auto);
        if (isa.nativeBf16()) {
            assertEquals(Precision.BF16, Backends.select("auto", "bf16").precision());
            assertEquals(Precision.BF16, new OneDnnBackend(Precision.BF16).precision());
        } else {
            assertThrows(PrecisionChoice.UnsupportedPrecisionException.class, () -> Backends.select("auto", "bf16"));
            assertThrows(PrecisionChoice.UnsupportedPrecisionException.class, () -> new OneDnnBackend(Precision.BF16));
        }
        assertEquals(Precision.FP32, Backends.select("java", "auto").precision(), "the Java backend computes fp32");
    }
}
