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
 * channels and size, and are otherwise converted by the decoder's own channel and resize steps.
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
            return decoder.convert(new DecodedImage(r.channels(), r.height(), r.width(), r.pixels()));
        }
        throw new ImageRejectedException(((SourceRecord.Rejected) record).reason());
    }
}
