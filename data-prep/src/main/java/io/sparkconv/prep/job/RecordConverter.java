package io.sparkconv.prep.job;

import io.sparkconv.prep.decode.DecodeOptions;
import io.sparkconv.prep.decode.DecodedImage;
import io.sparkconv.prep.decode.ImageDecoder;
import io.sparkconv.prep.decode.ImageRejectedException;
import io.sparkconv.prep.source.SourceRecord;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import javax.imageio.ImageIO;

/**
 * Turns a source record into the pixels the job stores, on the executor: files go through the
 * {@link ImageDecoder}; raw pixels (IDX, CIFAR) pass through when they already have the requested
 * channels and size, and otherwise go through the decoder as a lossless PNG, so channel conversion
 * and resizing are the same code for every source.
 */
final class RecordConverter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ImageDecoder decoder;

    RecordConverter(DecodeOptions options) {
        this.decoder = new ImageDecoder(options);
    }

    DecodedImage convert(SourceRecord record) throws ImageRejectedException {
        if (record instanceof SourceRecord.Encoded e) {
            return decoder.decode(e.bytes(), e.key());
        }
        if (record instanceof SourceRecord.Raw r) {
            DecodeOptions o = decoder.options();
            boolean sized = o.size() == 0 || (r.height() == o.size() && r.width() == o.size());
            if (r.channels() == o.channels() && sized) {
                return new DecodedImage(r.channels(), r.height(), r.width(), r.pixels());
            }
            return decoder.decode(png(r), r.key());
        }
        throw new ImageRejectedException(((SourceRecord.Rejected) record).reason());
    }

    /** CHW uint8 pixels as a PNG file (8-bit grey or RGB). */
    static byte[] png(SourceRecord.Raw r) {
        int h = r.height();
        int w = r.width();
        int plane = h * w;
        byte[] px = r.pixels();
        BufferedImage image;
        if (r.channels() == 1) {
            image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, w, h, px);
        } else {
            image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            byte[] interleaved = new byte[3 * plane];
            for (int p = 0; p < plane; p++) {
                interleaved[3 * p] = px[p];
                interleaved[3 * p + 1] = px[plane + p];
                interleaved[3 * p + 2] = px[2 * plane + p];
            }
            // the raster's bands are R, G, B whatever the byte order in its buffer
            image.getRaster().setDataElements(0, 0, w, h, interleaved);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * plane + 1024);
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding in memory failed", e);
        }
        return out.toByteArray();
    }
}
