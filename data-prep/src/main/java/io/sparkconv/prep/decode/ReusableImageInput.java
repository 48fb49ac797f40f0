package io.sparkconv.prep.decode;

import java.util.Objects;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageInputStream over a byte array that one thread points at each file in turn. On Java 17
 * every ImageInputStreamImpl has a finalizer, so a new stream per image (TwelveMonkeys'
 * ByteArrayImageInputStream, say) is registered with the finalizer at birth and kept alive, with
 * the file's bytes, until the finalizer thread gets to it: a tenth of a 64 x 64 decode, and tens
 * of thousands of streams waiting in the heap of a busy executor.
 */
final class ReusableImageInput extends ImageInputStreamImpl {
    private byte[] data = new byte[0];

    /** Starts over on {@code bytes}: position 0, nothing flushed. */
    ReusableImageInput reset(byte[] bytes) {
        data = bytes;
        streamPos = 0;
        flushedPos = 0;
        bitOffset = 0;
        return this;
    }

    @Override
    public int read() {
        bitOffset = 0;
        return streamPos < data.length ? data[(int) streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            return -1;
        }
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }

    /** Never closed: the thread's next image reuses it. */
    @Override
    public void close() {}
}
