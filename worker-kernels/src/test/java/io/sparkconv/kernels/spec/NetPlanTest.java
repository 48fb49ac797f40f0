package io.sparkconv.kernels.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetPlanTest {
    static final Path NETS = Path.of("..", "conf", "nets");

    private static NetPlan plan(Shape input, LayerSpec... layers) {
        List<LayerSpec> all = new java.util.ArrayList<>(List.of(layers));
        all.add(new LayerSpec.Dense("fc", 10, true));
        all.add(new LayerSpec.SoftmaxCrossEntropy("loss"));
        return NetPlan.of(new NetSpec("t", input, null, all));
    }

    private static LayerSpec.Conv conv(int filters, int k, int stride, int pad) {
        return new LayerSpec.Conv("conv", filters, Size2.square(k), Size2.square(stride), Size2.square(pad), true);
    }

    @Test
    void kernel3Stride1Pad1KeepsTheWidth() {
        assertEquals(new Shape(8, 28, 28), plan(new Shape(1, 28, 28), conv(8, 3, 1, 1)).layers().get(0).out());
    }

    @Test
    void pad1Stride2HalvesIt() {
        assertEquals(new Shape(8, 14, 14), plan(new Shape(1, 28, 28), conv(8, 3, 2, 1)).layers().get(0).out());
    }

    @Test
    void alexNetShapes() {
        NetPlan alex = NetPlan.of(NetSpec.load(NETS.resolve("alexnet.yaml")));
        assertEquals(new Shape(96, 55, 55), alex.layers().get(0).out());
        assertEquals(new Shape(256, 6, 6), alex.layers().get(14).out());
        assertEquals(1000, alex.classes());
        assertEquals(Shape.vector(1000), alex.layers().get(alex.layers().size() - 1).out());
        assertTrue(alex.warnings().isEmpty(), alex.warnings().toString());
        // conv 34,944 + 614,656 + 885,120 + 1,327,488 + 884,992; fc 37,752,832 + 16,781,312 + 4,097,000
        assertEquals(62_378_344, alex.paramCount());
    }

    @Test
    void lenetHasTheSpecsParameterCount() {
        NetPlan lenet = NetPlan.of(NetSpec.load(NETS.resolve("lenet.yaml")));
        assertEquals(431_080, lenet.paramCount());
        assertEquals(new Shape(50, 4, 4), lenet.layers().get(5).out());
        String table = lenet.toString();
        assertTrue(table.contains("conv1") && table.contains("20x24x24") && table.contains("431,080"), table);
    }

    @Test
    void vggSmallBuilds() {
        NetPlan vgg = NetPlan.of(NetSpec.load(NETS.resolve("vgg-small.yaml")));
        assertEquals(new Shape(64, 7, 7), vgg.layers().get(9).out());
        assertEquals(10, vgg.classes());
    }

    @Test
    void outputBelowOneIsRejectedNamingTheLayerAndNumbers() {
        SpecException e = assertThrows(SpecException.class, () -> plan(new Shape(1, 5, 5), conv(4, 7, 1, 0)));
        assertTrue(e.getMessage().contains("'conv'"), e.getMessage());
        assertTrue(e.getMessage().contains("floor((5 + 2*0 - 7) / 1) + 1 = -1"), e.getMessage());
    }

    @Test
    void uncoveredInputIsAWarningNotAnError() {
        // (224 - 11) mod 4 = 1: one row and one column are never read.
        NetPlan p = plan(new Shape(3, 224, 224), conv(96, 11, 4, 0));
        assertEquals(new Shape(96, 54, 54), p.layers().get(0).out());
        assertEquals(2, p.warnings().size());
        assertTrue(p.warnings().get(0).contains("drops the last 1 input rows"), p.warnings().get(0));
        assertTrue(p.warnings().get(1).contains("drops the last 1 input columns"), p.warnings().get(1));
    }

    @Test
    void softmaxMustBeLast() {
        SpecException e = assertThrows(SpecException.class, () -> NetPlan.of(new NetSpec("t", new Shape(1, 4, 4), null,
                List.of(new LayerSpec.SoftmaxCrossEntropy("loss"), new LayerSpec.Dense("fc", 3, true)))));
        assertTrue(e.getMessage().contains("last layer"), e.getMessage());
    }

    @Test
    void unknownKeyFailsWithFileLineAndField() {
        String yaml = """
                name: bad
                input: {channels: 1, height: 28, width: 28}
                layers:
                  - {type: conv, filters: 20, kernel: 5}
                  - {type: conv, filters: 20, kernel: 5, strides: 2}
                  - {type: softmax}
                """;
        SpecException e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml, "bad.yaml", NetSpec.class));
        assertTrue(e.getMessage().startsWith("bad.yaml:5"), e.getMessage());
        assertTrue(e.getMessage().contains("layers[1]"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'strides'"), e.getMessage());
    }

    @Test
    void missingRequiredKeyFailsWithFileLineAndField() {
        String yaml = """
                input: {channels: 1, height: 28, width: 28}
                layers:
                  - {type: conv, kernel: 5}
                  - {type: softmax}
                """;
        SpecException e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml, "bad.yaml", NetSpec.class));
        assertTrue(e.getMessage().startsWith("bad.yaml:3: layers[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("conv needs 'filters'"), e.getMessage());
    }

    @Test
    void unknownLayerTypeFailsWithTheType() {
        String yaml = """
                input: {channels: 1, height: 28, width: 28}
                layers:
                  - {type: convolution, filters: 20, kernel: 5}
                """;
        SpecException e = assertThrows(SpecException.class, () -> SpecFiles.parse(yaml, "t.yaml", NetSpec.class));
        assertTrue(e.getMessage().contains("convolution"), e.getMessage());
    }

    @Test
    void nonSquareKernelFromAList() {
        String yaml = """
                input: {channels: 2, height: 9, width: 9}
                layers:
                  - {type: conv, filters: 3, kernel: [3, 5], pad: [1, 2]}
                  - {type: dense, units: 4}
                  - {type: softmax}
                """;
        NetPlan p = NetPlan.of(SpecFiles.parse(yaml, "t.yaml", NetSpec.class));
        assertEquals(new Shape(3, 9, 9), p.layers().get(0).out());
        assertEquals(3 * 2 * 3 * 5 + 3, p.layers().get(0).paramCount());
    }
}
