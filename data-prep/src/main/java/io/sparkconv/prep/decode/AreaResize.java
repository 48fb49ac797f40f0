package io.sparkconv.prep.decode;

/**
 * Scales an image so its shorter side is S, then cuts the centered S x S square, computing only the
 * pixels of that square.
 *
 * <p>Downscaling averages areas: each output pixel is the mean of the input pixels its footprint
 * covers, partial pixels weighted by the covered fraction (OpenCV's INTER_AREA). That is the exact
 * box filter, so nothing aliases at any ratio, a 2x reduction is precisely the 2x2 block mean, and
 * it costs one pass over the input; progressive bilinear halving only approximates it, with more
 * passes. Upscaling (a 28x28 digit to 64) interpolates bilinearly between pixel centers, where area
 * averaging would degenerate to blocky nearest-neighbour. The two axes are resampled separately
 * (rows first, then columns) in float, and rounded once.
 */
final class AreaResize {
    private AreaResize() {}

    static DecodedImage shorterSideThenCenterCrop(DecodedImage image, int size) {
        int h = image.height();
        int w = image.width();
        int scaledH;
        int scaledW;
        if (h <= w) {
            scaledH = size;
            scaledW = Math.max(size, (int) Math.round((double) w * size / h));
        } else {
            scaledW = size;
            scaledH = Math.max(size, (int) Math.round((double) h * size / w));
        }
        // center crop, the odd pixel going to the bottom/right
        Axis rows = Axis.of(h, scaledH, (scaledH - size) / 2, size);
        Axis cols = Axis.of(w, scaledW, (scaledW - size) / 2, size);
        int plane = h * w;
        byte[] in = image.pixels();
        byte[] out = new byte[image.channels() * size * size];
        if (rows.identity && cols.identity) {
            for (int c = 0; c < image.channels(); c++) {
                for (int y = 0; y < size; y++) {
                    System.arraycopy(in, c * plane + rows.first[y] * w + cols.first[0], out, (c * size + y) * size, size);
                }
            }
            return new DecodedImage(image.channels(), size, size, out);
        }
        int rowLo = rows.first[0];
        int rowHi = rows.first[size - 1] + rows.count[size - 1];
        float[] tmp = new float[(rowHi - rowLo) * size]; // input rows resampled horizontally
        for (int c = 0; c < image.channels(); c++) {
            int src = c * plane;
            for (int y = rowLo; y < rowHi; y++) {
                int t = (y - rowLo) * size;
                int line = src + y * w;
                for (int x = 0; x < size; x++) {
                    float acc = 0;
                    int k0 = x * cols.stride;
                    for (int k = 0; k < cols.count[x]; k++) {
                        acc += cols.weight[k0 + k] * (in[line + cols.first[x] + k] & 0xff);
                    }
                    tmp[t + x] = acc;
                }
            }
            int dst = c * size * size;
            for (int y = 0; y < size; y++) {
                int k0 = y * rows.stride;
                for (int x = 0; x < size; x++) {
                    float acc = 0;
                    for (int k = 0; k < rows.count[y]; k++) {
                        acc += rows.weight[k0 + k] * tmp[(rows.first[y] + k - rowLo) * size + x];
                    }
                    int v = (int) (acc + 0.5f);
                    out[dst + y * size + x] = (byte) (v < 0 ? 0 : Math.min(v, 255));
                }
            }
        }
        return new DecodedImage(image.channels(), size, size, out);
    }

    /**
     * The resampling of one axis from {@code in} to {@code scaled} samples, for the outputs
     * offset .. offset+n-1: output i reads count[i] inputs from first[i] with weights
     * weight[i*stride ..], which sum to 1.
     */
    static final class Axis {
        final int[] first;
        final int[] count;
        final float[] weight;
        final int stride;
        final boolean identity;

        private Axis(int n, int stride, boolean identity) {
            this.first = new int[n];
            this.count = new int[n];
            this.weight = new float[n * stride];
            this.stride = stride;
            this.identity = identity;
        }

        static Axis of(int in, int scaled, int offset, int n) {
            if (in == scaled) {
                Axis a = new Axis(n, 1, true);
                for (int i = 0; i < n; i++) {
                    a.first[i] = offset + i;
                    a.count[i] = 1;
                    a.weight[i] = 1;
                }
                return a;
            }
            if (in > scaled) {
                double scale = (double) in / scaled;
                Axis a = new Axis(n, (int) Math.ceil(scale) + 1, false);
                for (int i = 0; i < n; i++) {
                    double lo = (offset + i) * scale;
                    double hi = lo + scale;
                    int from = (int) Math.floor(lo);
                    int to = Math.min(in, (int) Math.ceil(hi - 1e-9));
                    a.first[i] = from;
                    a.count[i] = to - from;
                    for (int j = from; j < to; j++) {
                        double cover = Math.min(hi, j + 1) - Math.max(lo, j);
                        a.weight[i * a.stride + j - from] = (float) (cover / scale);
                    }
                }
                return a;
            }
            Axis a = new Axis(n, 2, false);
            for (int i = 0; i < n; i++) {
                double center = (offset + i + 0.5) * in / scaled - 0.5;
                int left = (int) Math.floor(center);
                float t = (float) (center - left);
                if (left < 0) {
                    left = 0;
                    t = 0;
                } else if (left >= in - 1) {
                    left = in - 1;
                    t = 0;
                }
                a.first[i] = left;
                a.count[i] = t == 0 ? 1 : 2;
                a.weight[2 * i] = 1 - t;
                a.weight[2 * i + 1] = t;
            }
            return a;
        }
    }
}
