package io.sparkconv.driver.distributed;

import io.sparkconv.driver.json.Json;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rank 0's line to the driver: one JSON object per line. Progress is not worth a failed run: if the
 * driver cannot be reached the worker logs it once and trains on.
 */
final class ProgressReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    private Socket socket;
    private Writer out;

    ProgressReporter(String host, int port, int timeoutMillis) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot reach the driver's progress listener at {}:{} ({}); training goes on without progress lines",
                    host, port, e.getMessage());
            close();
        }
    }

    void send(Map<String, Object> event) {
        if (out == null) {
            return;
        }
        try {
            out.write(Json.MAPPER.writeValueAsString(event));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            LOG.warn("lost the driver's progress listener ({}); training goes on", e.getMessage());
            close();
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing a dead socket
        }
        socket = null;
        out = null;
    }
}
