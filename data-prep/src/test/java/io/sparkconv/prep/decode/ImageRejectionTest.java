package io.sparkconv.prep.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkconv.testing.ImageCorpus;
import io.sparkconv.testing.ImageCorpus.Kind;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files are rejected with the stable reason, never decoded into something grey. */
class ImageRejectionTest {
    @TempDir
    static Path dir;
    static ImageCorpus.Written corpus;
    final ImageDecoder decoder = new ImageDecoder(new DecodeOptions(3, 0));

    @BeforeAll
    static void writeCorpus() throws IOException {
        corpus = ImageCorpus.write(dir, 6);
    }

    /** Every prefix of a baseline, a progressive and a CMYK JPEG, and of a PNG, is a truncated image. */
    @Test
    void everyCutOfAJpegOrPngIsTruncated() throws IOException {
        for (Kind kind : new Kind[] {Kind.RGB_JPEG, Kind.PROGRESSIVE_JPEG, Kind.CMYK_JPEG, Kind.RGB_PNG, Kind.GRAY16_PNG}) {
            byte[] whole = Files.readAllBytes(corpus.entry(kind).path());
            for (int n = 1; n < whole.length; n++) {
                byte[] cut = Arrays.copyOf(whole, n);
                assertEquals("truncated image", reason(cut), kind + " cut to " + n + " of " + whole.length + " bytes");
            }
        }
    }

    @Test
    void emptyAndNonImageFiles() {
        assertEquals("empty file", reason(new byte[0]));
        assertEquals("not an image", reason("GIF? no, just text".getBytes(StandardCharsets.UTF_8)));
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 0x42; // not a JPEG, PNG, GIF or BMP start
        assertEquals("not an image", reason(noise));
    }

    /** A complete file whose compressed data is garbage fails to decode and says why. */
    @Test
    void aPngWithCorruptDataFailsToDecode() throws IOException {
        byte[] png = Files.readAllBytes(corpus.entry(Kind.RGB_PNG).path());
        int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII));
        for (int i = idat + 4; i < idat + 8; i++) {
            png[i] ^= 0x5A; // the zlib header and first bytes
        }
        String r = reason(png);
        assertTrue(r.startsWith("decode failed: "), r);
    }

    @Test
    void aJpegWithAZeroSizedFrameFailsToDecode() throws IOException {
        byte[] jpeg = Files.readAllBytes(corpus.entry(Kind.RGB_JPEG).path());
        int sof = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xC0});
        jpeg[sof + 5] = 0; // height
        jpeg[sof + 6] = 0;
        String r = reason(jpeg);
        assertTrue(r.startsWith("decode failed: "), r);
    }

    /** A header promising 100,000 x 100,000 pixels is refused before any pixel memory is taken. */
    @Test
    void hugeImagesAreUnsupported() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeInt(100_000);
        d.writeInt(100_000);
        d.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey, deflate, no filter method, no interlace
        chunk(png, "IHDR", ihdr.toByteArray());
        chunk(png, "IDAT", new byte[0]);
        chunk(png, "IEND", new byte[0]);
        assertEquals("unsupported image: 100000x100000 is more than 64 Mpixel", reason(png.toByteArray()));
    }

    /** After a rejection the thread's readers still decode good files. */
    @Test
    void readersRecoverAfterFailures() throws Exception {
        byte[] good = Files.readAllBytes(corpus.entry(Kind.RGB_JPEG).path());
        DecodedImage before = decoder.decode(good, "good");
        reason(Arrays.copyOf(good, good.length / 3));
        byte[] bad = good.clone();
        bad[indexOf(bad, new byte[] {(byte) 0xFF, (byte) 0xC0}) + 5] = 0;
        bad[indexOf(bad, new byte[] {(byte) 0xFF, (byte) 0xC0}) + 6] = 0;
        reason(bad);
        assertTrue(Arrays.equals(before.pixels(), decoder.decode(good, "good").pixels()));
    }

    private String reason(byte[] bytes) {
        return assertThrows(ImageRejectedException.class, () -> decoder.decode(bytes, "test")).reason();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
