package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Shorter side to S by area averaging (bilinear when enlarging), then the centered S x S. */
class AreaResizeTest {
    @Test
    void aConstantImageStaysConstantAtAnyRatio() {
        for (int[] hw : new int[][] {{37, 53}, {53, 37}, {28, 28}, {7, 100}}) {
            byte[] px = new byte[3 * hw[0] * hw[1]];
            Arrays.fill(px, (byte) 173);
            for (int s : new int[] {1, 5, 16, 28, 37, 64, 100}) {
                DecodedImage out = AreaResize.shorterSideThenCenterCrop(new DecodedImage(3, hw[0], hw[1], px), s);
                assertEquals(s, out.height());
                assertEquals(s, out.width());
                for (byte b : out.pixels()) {
                    assertEquals(173, b & 0xff, hw[0] + "x" + hw[1] + " to " + s);
                }
            }
        }
    }

    /** 8 high, 12 wide to S = 4: scaled to 4 x 6, the crop keeps scaled columns 1..4. */
    @Test
    void halvingIsTheTwoByTwoBlockMeanOfTheCenteredColumns() {
        int h = 8;
        int w = 12;
        byte[] px = random(2 * h * w, 1);
        DecodedImage out = AreaResize.shorterSideThenCenterCrop(new DecodedImage(2, h, w, px), 4);
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    int sy = 2 * y;
                    int sx = 2 * (x + 1);
                    int sum = at(px, h, w, c, sy, sx) + at(px, h, w, c, sy, sx + 1)
                            + at(px, h, w, c, sy + 1, sx) + at(px, h, w, c, sy + 1, sx + 1);
                    assertEquals((sum + 2) / 4, out.at(c, y, x), "c" + c + " y" + y + " x" + x);
                }
            }
        }
    }

    @Test
    void aThirdIsTheThreeByThreeBlockMean() {
        byte[] px = random(27 * 27, 2);
        DecodedImage out = AreaResize.shorterSideThenCenterCrop(new DecodedImage(1, 27, 27, px), 9);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 9; x++) {
                int sum = 0;
                for (int i = 0; i < 9; i++) {
                    sum += at(px, 27, 27, 0, 3 * y + i / 3, 3 * x + i % 3);
                }
                assertEquals(Math.round(sum / 9.0), out.at(0, y, x));
            }
        }
    }

    /** 5 to 2: output 0 covers input [0, 2.5), so it weighs inputs 0, 1, 2 by 0.4, 0.4, 0.2. */
    @Test
    void partialPixelsWeighByTheCoveredFraction() {
        byte[] px = random(25, 3);
        DecodedImage out = AreaResize.shorterSideThenCenterCrop(new DecodedImage(1, 5, 5, px), 2);
        double[] wt = {0.4, 0.4, 0.2};
        double want = 0;
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                want += wt[y] * wt[x] * at(px, 5, 5, 0, y, x);
            }
        }
        assertEquals(Math.round(want), out.at(0, 0, 0));
        double mirrored = 0; // output 1 covers [2.5, 5): inputs 2, 3, 4 weigh 0.2, 0.4, 0.4
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                mirrored += wt[y] * wt[x] * at(px, 5, 5, 0, 4 - y, 4 - x);
            }
        }
        assertEquals(Math.round(mirrored), out.at(0, 1, 1));
    }

    /** Enlarging interpolates between pixel centers: 0, 100 becomes 0, 25, 75, 100. */
    @Test
    void enlargingIsBilinearBetweenPixelCenters() {
        byte[] px = {0, 100, 0, 100};
        DecodedImage out = AreaResize.shorterSideThenCenterCrop(new DecodedImage(1, 2, 2, px), 4);
        for (int y = 0; y < 4; y++) {
            assertArrayEquals(new byte[] {0, 25, 75, 100}, Arrays.copyOfRange(out.pixels(), 4 * y, 4 * y + 4));
        }
    }

    @Test
    void theShorterSideSetsTheScaleAndTheCropIsCentered() {
        byte[] px = random(28 * 56, 4);
        // 28 high, 56 wide at S = 28: no scaling, columns 14..41
        DecodedImage wide = AreaResize.shorterSideThenCenterCrop(new DecodedImage(1, 28, 56, px), 28);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(at(px, 28, 56, 0, y, x + 14), wide.at(0, y, x));
            }
        }
        // 56 high, 28 wide: rows 14..41
        DecodedImage tall = AreaResize.shorterSideThenCenterCrop(new DecodedImage(1, 56, 28, px), 28);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(at(px, 56, 28, 0, y + 14, x), tall.at(0, y, x));
            }
        }
    }

    private static int at(byte[] px, int h, int w, int c, int y, int x) {
        return px[(c * h + y) * w + x] & 0xff;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
