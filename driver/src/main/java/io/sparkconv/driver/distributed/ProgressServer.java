package io.sparkconv.driver.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkconv.driver.json.Json;
import io.sparkconv.driver.progress.DisplayProgress;
import io.sparkconv.driver.progress.ProgressDisplay;
import io.sparkconv.kernels.train.EpochLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The driver's end of rank 0's progress line: shows each report (a bar on a terminal, lines
 * elsewhere) and keeps every event for the run's metrics. Each stage attempt connects anew, so a
 * relaunched stage keeps reporting.
 */
final class ProgressServer implements AutoCloseable {
    private final ServerSocket server;
    private final ProgressDisplay out;
    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    ProgressServer(String host, ProgressDisplay out) throws IOException {
        this.server = new ServerSocket(0, 8, InetAddress.getByName(host));
        this.out = out;
        this.acceptor = new Thread(this::acceptLoop, "sparkconv-progress");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<JsonNode> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread reader = new Thread(() -> read(s), "sparkconv-progress-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode e = Json.MAPPER.readTree(line);
                events.add(e);
                print(e);
            }
        } catch (IOException e) {
            // the worker's stage ended or failed; a relaunch connects again
        }
    }

    private void print(JsonNode e) {
        switch (e.path("type").asText()) {
            case "start" -> out.line(String.format("workers started (stage attempt %d)%s", e.path("attempt").asInt(),
                    e.path("resumed").asBoolean() ? String.format(", resuming at epoch %d step %d",
                            e.path("epoch").asInt() + 1, e.path("step").asInt()) : ""));
            case "step" -> out.step(e.path("epoch").asInt(), e.path("epochs").asInt(), e.path("step").asInt(),
                    e.path("steps").asInt(), e.path("loss").asDouble(), e.path("images_per_second").asDouble());
            case "epoch" -> out.line(String.format("epoch %d: train loss %.4f, validation accuracy %.4f (loss %.4f), %.1f s",
                    e.path("epoch").asInt() + 1, e.path("train_loss").asDouble(), e.path("val_accuracy").asDouble(),
                    e.path("val_loss").asDouble(), e.path("seconds").asDouble()));
            case "stopped" -> out.line(DisplayProgress.stopLine(e.path("epoch").asInt(), e.path("step").asInt(),
                    EpochLoop.Stop.valueOf(e.path("reason").asText().toUpperCase(java.util.Locale.ROOT)),
                    e.path("message").asText()));
            default -> { }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
