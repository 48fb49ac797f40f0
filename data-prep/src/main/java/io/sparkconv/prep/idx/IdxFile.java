package io.sparkconv.prep.idx;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file (LeCun's MNIST format, also Fashion-MNIST's): a magic number 0x0000TTDD with type
 * TT (only 0x08, unsigned byte, is used by image sets) and DD dimensions, the dimensions as
 * big-endian int32, then the data. Gzip-compressed files are recognised by their own magic bytes,
 * not by the file name.
 */
public record IdxFile(Path source, int[] dims, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;

    /** Number of items: the first dimension. */
    public int count() {
        return dims[0];
    }

    /** Bytes per item: the product of the other dimensions. */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    public static IdxFile read(Path file) throws IOException {
        try (InputStream in = open(Files.newInputStream(file))) {
            return read(file, new DataInputStream(in));
        }
    }

    /** The stream, decompressed when it starts with gzip's magic bytes. */
    public static InputStream open(InputStream in) throws IOException {
        InputStream raw = new BufferedInputStream(in, 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /** Header length in bytes for a file of {@code ndims} dimensions: the magic number and the dimensions. */
    public static int headerBytes(int ndims) {
        return 4 + 4 * ndims;
    }

    private static IdxFile read(Path file, DataInputStream in) throws IOException {
        int[] dims = readHeader(file.toString(), in);
        long total = 1;
        for (int d : dims) {
            total *= d;
        }
        byte[] data = new byte[(int) total];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new IdxFormatException(String.format("%s: truncated: dimensions %s need %,d data bytes, the file has %,d",
                    file, Arrays.toString(dims), data.length, read));
        }
        return new IdxFile(file, dims, data);
    }

    /**
     * Reads and checks the magic number and the dimensions; the stream is left at the first data byte.
     *
     * @param source the file's name in messages
     */
    public static int[] readHeader(String source, DataInputStream in) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(source + ": truncated: shorter than the 4-byte IDX magic number");
        }
        int type = (magic >>> 8) & 0xff;
        int ndims = magic & 0xff;
        if ((magic >>> 16) != 0 || ndims < 1 || ndims > 4) {
            throw new IdxFormatException(String.format(
                    "%s: bad magic number 0x%08X: an IDX file starts with 0x0000TTDD (TT = type, DD = 1..4 dimensions),"
                            + " e.g. 0x00000803 for images and 0x00000801 for labels", source, magic));
        }
        if (type != UNSIGNED_BYTE) {
            throw new IdxFormatException(String.format(
                    "%s: IDX data type 0x%02X is not supported; image sets use 0x08 (unsigned byte)", source, type));
        }
        int[] dims = new int[ndims];
        long total = 1;
        for (int i = 0; i < ndims; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IdxFormatException(source + ": truncated: the header promises " + ndims
                        + " dimensions but ends after " + i);
            }
            if (dims[i] < 0) {
                throw new IdxFormatException(source + ": dimension " + i + " is negative (" + dims[i] + ")");
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(source + ": " + Arrays.toString(dims) + " is more than one array can hold");
        }
        return dims;
    }
}
