package io.sparkconv.testing;

import io.sparkconv.prep.data.ImageSet;
import io.sparkconv.prep.idx.IdxImageSets;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a class-folder tree of real image files made from Fashion-MNIST digits (the t10k set of
 * Debian's dataset-fashion-mnist), and says what a decoder must make of each file.
 *
 * <p>Every class folder gets {@code perClass} ordinary images cycling through grey, RGB, RGBA and
 * palette PNG and grey and RGB JPEG; some folders also get the special files of issue 5: CMYK and
 * YCCK JPEG, a progressive JPEG, an EXIF-rotated JPEG (orientation 6), 16-bit grey and RGB PNGs,
 * and the rejects: a zero-byte file, a truncated JPEG and a text file named .jpg.
 *
 * <p>The ordinary RGB JPEGs have the usual 4:2:0 chroma subsampling; the progressive and the
 * EXIF-rotated one keep full chroma (4:4:4), so their colours can be checked tightly.
 *
 * <p>Colour images are the digit d tinted as R = d, G = d/2 + 64, B = 255 - d; an RGBA image has
 * alpha 255 - d (so compositing, which the decoder does not do, would change it). Labels follow
 * the image-folder convention: the position of the folder name in the sorted list of folders.
 */
public final class ImageCorpus {
    /** Folder names, in Fashion-MNIST's label order. */
    public static final List<String> FASHION_CLASSES = List.of(
            "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot");

    /** The JPEG quality of the corpus; the benchmark set uses ImageIO's default 0.75. */
    public static final float QUALITY = 0.95f;

    public enum Kind {
        GRAY_PNG, RGB_PNG, RGBA_PNG, PALETTE_PNG, GRAY_JPEG, RGB_JPEG,
        GRAY16_PNG, RGB16_PNG, CMYK_JPEG, YCCK_JPEG, PROGRESSIVE_JPEG, EXIF_ROTATED_JPEG,
        EMPTY, TRUNCATED_JPEG, TEXT_AS_JPEG;

        static final Kind[] ORDINARY = {GRAY_PNG, RGB_PNG, RGBA_PNG, PALETTE_PNG, GRAY_JPEG, RGB_JPEG};

        public boolean lossless() {
            return name().endsWith("_PNG");
        }

        String fileName(int index) {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-" + String.format("%04d", index)
                    + (lossless() ? ".png" : ".jpg");
        }
    }

    /**
     * One written file.
     *
     * @param reject the reason a decoder must give ("empty file", ...), null when it must decode
     * @param height the displayed height (after EXIF orientation), 0 for rejects
     * @param rgb    the source pixels as displayed, 3 x height x width CHW (what a lossless decode
     *               with 3 channels gives exactly, and a JPEG decode approximately); null for rejects
     *               and in benchmark sets
     */
    public record Entry(Path path, String className, int label, Kind kind, String reject, int height, int width, byte[] rgb) {
        public boolean decodes() {
            return reject == null;
        }

        /** True when a decode must give exactly {@link #expected}: PNGs. */
        public boolean lossless() {
            return kind.lossless();
        }

        /** The expected pixels with 1 channel (BT.601 luma as PIL computes it) or 3. */
        public byte[] expected(int channels) {
            if (channels == 3) {
                return rgb;
            }
            int plane = height * width;
            byte[] y = new byte[plane];
            for (int i = 0; i < plane; i++) {
                // PIL's convert("L"): 0.299, 0.587, 0.114 in 16-bit fixed point, rounded
                y[i] = (byte) ((19595 * (rgb[i] & 0xff) + 38470 * (rgb[plane + i] & 0xff) + 7471 * (rgb[2 * plane + i] & 0xff)
                        + 32768) >> 16);
            }
            return y;
        }
    }

    /** What was written under root: the sorted class folder names and every file. */
    public record Written(Path root, List<String> classes, List<Entry> entries) {
        public List<Entry> decoded() {
            return entries.stream().filter(Entry::decodes).toList();
        }

        public List<Entry> rejected() {
            return entries.stream().filter(e -> !e.decodes()).toList();
        }

        /** Files that must decode, per class name. */
        public Map<String, Integer> decodedPerClass() {
            Map<String, Integer> m = new TreeMap<>();
            for (Entry e : decoded()) {
                m.merge(e.className(), 1, Integer::sum);
            }
            return m;
        }

        public Entry entry(Kind kind) {
            return entries.stream().filter(e -> e.kind() == kind).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no " + kind + " in the corpus"));
        }
    }

    private ImageCorpus() {}

    /** The corpus with 6 ordinary images per class (one of each ordinary kind) and the special files. */
    public static Written write(Path root) throws IOException {
        return write(root, Kind.ORDINARY.length);
    }

    public static Written write(Path root, int perClass) throws IOException {
        Digits digits = Digits.load();
        List<String> sorted = FASHION_CLASSES.stream().sorted().toList();
        List<Entry> entries = new ArrayList<>();
        for (int k = 0; k < FASHION_CLASSES.size(); k++) {
            for (int j = 0; j < perClass; j++) {
                entries.add(ordinary(root, sorted, k, j, Kind.ORDINARY[j % Kind.ORDINARY.length], digits.of(k, j)));
            }
        }
        int n = perClass; // the specials use digits after the ordinary ones
        entries.add(sixteenBit(root, sorted, 3, Kind.GRAY16_PNG, digits.of(3, n)));
        entries.add(sixteenBit(root, sorted, 3, Kind.RGB16_PNG, digits.of(3, n + 1)));
        entries.add(cmyk(root, sorted, 4, Kind.CMYK_JPEG, digits.of(4, n)));
        entries.add(cmyk(root, sorted, 4, Kind.YCCK_JPEG, digits.of(4, n + 1)));
        entries.add(progressive(root, sorted, 7, digits.of(7, n)));
        entries.add(exifRotated(root, sorted, 8, digits.of(8, n), digits.of(8, n + 1)));
        entries.add(reject(root, sorted, 5, Kind.EMPTY, new byte[0], "empty file"));
        byte[] whole = ImageEncoding.jpeg(ImageEncoding.rgb(tint(digits.of(6, n)), Digits.SIDE, Digits.SIDE), QUALITY);
        entries.add(reject(root, sorted, 6, Kind.TRUNCATED_JPEG, Arrays.copyOf(whole, whole.length / 2), "truncated image"));
        entries.add(reject(root, sorted, 1, Kind.TEXT_AS_JPEG,
                "This is not a JPEG: a text file with the wrong name.\n".getBytes(StandardCharsets.UTF_8), "not an image"));
        return new Written(root, sorted, List.copyOf(entries));
    }

    private static Entry ordinary(Path root, List<String> sorted, int k, int j, Kind kind, byte[] d) throws IOException {
        int s = Digits.SIDE;
        byte[] rgb = tint(d);
        byte[] bytes;
        byte[] expected = rgb;
        switch (kind) {
            case GRAY_PNG -> {
                bytes = ImageEncoding.png(ImageEncoding.gray(d, s, s));
                expected = replicate(d);
            }
            case RGB_PNG -> bytes = ImageEncoding.png(ImageEncoding.rgb(rgb, s, s));
            case RGBA_PNG -> {
                byte[] alpha = new byte[d.length];
                for (int i = 0; i < d.length; i++) {
                    alpha[i] = (byte) (255 - (d[i] & 0xff));
                }
                bytes = ImageEncoding.png(ImageEncoding.rgba(rgb, alpha, s, s));
            }
            case PALETTE_PNG -> {
                // the tint as a 256-entry palette indexed by the digit's grey value
                byte[] ramp = new byte[256];
                for (int v = 0; v < 256; v++) {
                    ramp[v] = (byte) v;
                }
                byte[] pal = tint(ramp);
                bytes = ImageEncoding.png(ImageEncoding.indexed(d, Arrays.copyOfRange(pal, 0, 256),
                        Arrays.copyOfRange(pal, 256, 512), Arrays.copyOfRange(pal, 512, 768), s, s));
            }
            case GRAY_JPEG -> {
                bytes = ImageEncoding.jpeg(ImageEncoding.gray(d, s, s), QUALITY);
                expected = replicate(d);
            }
            case RGB_JPEG -> bytes = ImageEncoding.jpeg(ImageEncoding.rgb(rgb, s, s), QUALITY);
            default -> throw new IllegalArgumentException(kind + " is not an ordinary kind");
        }
        return file(root, sorted, k, kind, j, bytes, null, s, s, expected);
    }

    /** 16-bit samples 257 d plus a position-dependent offset in [-128, 128], so the 8-bit result is not just d. */
    private static Entry sixteenBit(Path root, List<String> sorted, int k, Kind kind, byte[] d) throws IOException {
        int s = Digits.SIDE;
        int bands = kind == Kind.GRAY16_PNG ? 1 : 3;
        byte[] src = bands == 1 ? d : tint(d);
        int[] samples = new int[src.length];
        byte[] expected8 = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            int v = Math.max(0, Math.min(65535, 257 * (src[i] & 0xff) + (i * 37) % 257 - 128));
            samples[i] = v;
            expected8[i] = (byte) Math.round(v * 255.0 / 65535.0);
        }
        byte[] bytes = ImageEncoding.png(ImageEncoding.sixteenBit(samples, bands, s, s));
        return file(root, sorted, k, kind, 0, bytes, null, s, s, bands == 1 ? replicate(expected8) : expected8);
    }

    private static Entry cmyk(Path root, List<String> sorted, int k, Kind kind, byte[] d) throws IOException {
        int s = Digits.SIDE;
        byte[] rgb = tint(d);
        byte[] bytes = ImageEncoding.cmykJpeg(rgb, s, s, QUALITY, kind == Kind.YCCK_JPEG);
        return file(root, sorted, k, kind, 0, bytes, null, s, s, rgb);
    }

    private static Entry progressive(Path root, List<String> sorted, int k, byte[] d) throws IOException {
        int s = Digits.SIDE;
        byte[] rgb = tint(d);
        byte[] bytes = ImageEncoding.jpeg(ImageEncoding.rgb(rgb, s, s), null, QUALITY, true, true);
        return file(root, sorted, k, Kind.PROGRESSIVE_JPEG, 0, bytes, null, s, s, rgb);
    }

    /** Two digits side by side (stored 28 high, 56 wide) with orientation 6: displayed 56 high, 28 wide. */
    private static Entry exifRotated(Path root, List<String> sorted, int k, byte[] left, byte[] right) throws IOException {
        int s = Digits.SIDE;
        int h = s;
        int w = 2 * s;
        byte[] pair = new byte[h * w];
        for (int y = 0; y < s; y++) {
            System.arraycopy(left, y * s, pair, y * w, s);
            System.arraycopy(right, y * s, pair, y * w + s, s);
        }
        byte[] stored = tint(pair);
        byte[] bytes = ImageEncoding.withExifOrientation(
                ImageEncoding.jpeg(ImageEncoding.rgb(stored, h, w), null, QUALITY, false, true), 6, false);
        // turned 90 degrees clockwise: the stored left column becomes the top row
        byte[] shown = new byte[stored.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < w; y++) {
                for (int x = 0; x < h; x++) {
                    shown[c * h * w + y * h + x] = stored[c * h * w + (h - 1 - x) * w + y];
                }
            }
        }
        return file(root, sorted, k, Kind.EXIF_ROTATED_JPEG, 0, bytes, null, w, h, shown);
    }

    private static Entry reject(Path root, List<String> sorted, int k, Kind kind, byte[] bytes, String reason) throws IOException {
        return file(root, sorted, k, kind, 0, bytes, reason, 0, 0, null);
    }

    private static Entry file(Path root, List<String> sorted, int k, Kind kind, int index, byte[] bytes, String reject,
            int h, int w, byte[] rgb) throws IOException {
        String cls = FASHION_CLASSES.get(k);
        Path dir = Files.createDirectories(root.resolve(cls));
        Path path = dir.resolve(kind.fileName(index));
        Files.write(path, bytes);
        return new Entry(path, cls, sorted.indexOf(cls), kind, reject, h, w, rgb);
    }

    /**
     * The benchmark set of issue 5: {@code count} RGB JPEGs of size x size (Fashion-MNIST digits,
     * tinted, upscaled bilinearly by Java2D, ImageIO's default quality), in class folders. Entries
     * carry no pixels, to keep 20,000 of them small.
     */
    public static Written writeJpegs(Path root, int count, int size) throws IOException {
        Digits digits = Digits.load();
        List<String> sorted = FASHION_CLASSES.stream().sorted().toList();
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int k = digits.set.labels()[i % digits.set.size()];
            entries.add(file(root, sorted, k, Kind.RGB_JPEG, i, benchmarkJpeg(digits, i, size), null, size, size, null));
        }
        return new Written(root, sorted, List.copyOf(entries));
    }

    /** The bytes of {@link #writeJpegs}' files, in memory. */
    public static List<byte[]> jpegs(int count, int size) throws IOException {
        Digits digits = Digits.load();
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(benchmarkJpeg(digits, i, size));
        }
        return out;
    }

    private static byte[] benchmarkJpeg(Digits digits, int i, int size) {
        int s = Digits.SIDE;
        BufferedImage small = ImageEncoding.rgb(tint(digits.at(i % digits.set.size())), s, s);
        BufferedImage big = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(small, 0, 0, size, size, null);
        g.dispose();
        return ImageEncoding.jpeg(big, 0.75f);
    }

    /** Grey plane(s) d to the tint R = d, G = d/2 + 64, B = 255 - d, as 3 planes. */
    static byte[] tint(byte[] d) {
        int n = d.length;
        byte[] rgb = new byte[3 * n];
        for (int i = 0; i < n; i++) {
            int v = d[i] & 0xff;
            rgb[i] = (byte) v;
            rgb[n + i] = (byte) (v / 2 + 64);
            rgb[2 * n + i] = (byte) (255 - v);
        }
        return rgb;
    }

    static byte[] replicate(byte[] plane) {
        byte[] rgb = new byte[3 * plane.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(plane, 0, rgb, c * plane.length, plane.length);
        }
        return rgb;
    }

    /** Fashion-MNIST's t10k digits, 28 x 28 grey, read once per JVM. */
    private record Digits(ImageSet set, int[][] byClass) {
        static final int SIDE = 28;
        private static Digits loaded;

        static synchronized Digits load() {
            if (loaded == null) {
                try {
                    ImageSet set = IdxImageSets.test(IdxImageSets.DEBIAN_FASHION_MNIST);
                    int[][] byClass = new int[10][];
                    for (int k = 0; k < 10; k++) {
                        final int label = k;
                        byClass[k] = java.util.stream.IntStream.range(0, set.size()).filter(i -> set.labels()[i] == label).toArray();
                    }
                    loaded = new Digits(set, byClass);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return loaded;
        }

        byte[] at(int i) {
            int sz = SIDE * SIDE;
            return Arrays.copyOfRange(set.pixels(), i * sz, (i + 1) * sz);
        }

        /** The j-th digit of Fashion-MNIST class k. */
        byte[] of(int k, int j) {
            return at(byClass[k][j]);
        }
    }

    /** Writes the benchmark set: {@code ImageCorpus OUT_DIR [COUNT=20000] [SIZE=64]}. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ImageCorpus OUT_DIR [COUNT=20000] [SIZE=64]");
            System.exit(2);
        }
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Written w = writeJpegs(Path.of(args[0]), count, size);
        System.out.println("wrote " + w.entries().size() + " JPEGs of " + size + "x" + size + " under " + w.root());
    }
}
