package org.attention4j.cli.serve;

import org.attention4j.model.MiniLmFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/attention4j serve} as a user starts it, after {@code package} (failsafe): it prints its
 * address once listening, answers, and on SIGTERM finishes the request in flight before it exits.
 */
class ServeLauncherIT {
    private static final Path SCRIPT = Path.of("..", "scripts", "attention4j").toAbsolutePath().normalize();

    @Test
    void sigtermLetsTheRequestInFlightFinish() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "serve", "--model", MiniLmFiles.model().toString(),
                "--port", "0", "--threads", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "");
        Path err = Files.createTempFile("serve", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String address = line.get(5, TimeUnit.MINUTES); // a hang guard, not a speed limit
            assertNotNull(address, () -> "no line on stdout; stderr: " + read(err));
            assertTrue(address.matches("attention4j serve: http://127\\.0\\.0\\.1:\\d+ \\(model all-minilm-l6-v2, "
                    + "dimension 384\\)"), address);
            ServeClient client = new ServeClient(Integer.parseInt(address.replaceAll(".*:(\\d+) .*", "$1")));
            assertEquals(200, client.get("/healthz").statusCode());

            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                texts.add(i + " " + "a request long enough to be running when SIGTERM comes, ".repeat(12));
            }
            String body = ServeClient.JSON.writeValueAsString(Map.of("input", texts));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.post("/v1/embeddings", body);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(1000);
            p.destroy(); // SIGTERM
            HttpResponse<String> response = inFlight.get(2, TimeUnit.MINUTES);
            assertEquals(texts.size(), ServeClient.embeddings(response).data().size());
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "did not exit after SIGTERM");
            assertEquals(143, p.exitValue(), "128 + SIGTERM");
            Thread.sleep(200); // the launcher's stderr filter may still be writing its last line
            String stderr = read(err);
            assertTrue(stderr.contains("attention4j serve: stopped"), stderr);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
