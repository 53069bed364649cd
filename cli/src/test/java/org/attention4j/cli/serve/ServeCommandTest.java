package org.attention4j.cli.serve;

import org.attention4j.model.MiniLmFiles;
import static org.attention4j.cli.serve.ServeClient.error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.attention4j.cli.CliRun;
import org.attention4j.cli.io.FloatArray;
import org.attention4j.cli.io.Npy;
import org.attention4j.cli.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code attention4j serve}'s start-up: without a model, with a bad one, with bad options, on a taken port. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void withoutAModelEmbeddingsAre404AndAttentionIsServed() throws Exception {
        try (ServeRun server = ServeRun.start("serve", "--port", "0", "--threads", "1")) {
            assertTrue(server.line().matches("attention4j serve: http://127\\.0\\.0\\.1:\\d+ \\(no model: .*--model.*\\)"),
                    server.line());
            ServeClient client = new ServeClient(server.port());
            String message = error(client.post("/v1/embeddings", "{\"input\": \"a\"}"), 404);
            assertTrue(message.contains("--model"), message);

            float[] x = new float[2 * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            Path qkv = dir.resolve("qkv.safetensors");
            FloatArray t = new FloatArray("x", new long[] {1, 2, 1, 4}, x);
            SafeTensors.write(qkv, Map.of("q", t, "k", t, "v", t));
            HttpResponse<byte[]> attention = client.postForBytes("/v1/attention?causal=true", Files.readAllBytes(qkv));
            assertEquals(200, attention.statusCode(), new String(attention.body()));
            // causal: the first row sees only itself, so its output is its own value
            float[] o = Npy.read(attention.body(), "o").data();
            assertArrayEquals(new float[] {0, 1, 2, 3}, java.util.Arrays.copyOf(o, 4));
            // V with a head size of its own (6, Q and K have 4): O has V's
            float[] y = new float[2 * 6];
            for (int i = 0; i < y.length; i++) {
                y[i] = i;
            }
            SafeTensors.write(qkv, Map.of("q", t, "k", t, "v", new FloatArray("y", new long[] {1, 2, 1, 6}, y)));
            attention = client.postForBytes("/v1/attention?causal=true", Files.readAllBytes(qkv));
            assertEquals(200, attention.statusCode(), new String(attention.body()));
            FloatArray wide = Npy.read(attention.body(), "o");
            assertArrayEquals(new long[] {1, 2, 1, 6}, wide.shape());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, java.util.Arrays.copyOf(wide.data(), 6));
            assertEquals(200, client.get("/healthz").statusCode());
            assertEquals(0, server.stop(), server.err());
        }
    }

    @Test
    void aMissingOrBrokenModelExitsTwoWithOneLineBeforeListening() throws Exception {
        Path missing = dir.resolve("missing.onnx");
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("model.onnx"), "not an ONNX file");
        Files.copy(MiniLmFiles.folder().resolve(MiniLmFiles.TOKENIZER), broken.resolve("tokenizer.json"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        for (Path model : new Path[] {missing, broken.resolve("model.onnx"), broken, empty}) {
            CliRun run = CliRun.of("serve", "--model", model.toString(), "--port", "0");
            assertEquals(2, run.exitCode(), run.toString());
            assertEquals("", run.out(), "no address printed: " + run);
            assertTrue(run.err().startsWith("attention4j serve: ") && run.err().strip().lines().count() == 1,
                    run.toString());
        }
    }

    @Test
    void badOptionsExitTwoNamingTheOption() {
        String[][] cases = {{"--queue", "0"}, {"--max-inputs", "0"}, {"--max-body-bytes", "0"}, {"--port", "70000"},
            {"--pooling", "max"}, {"--threads", "0"}, {"--max-length", "1"}, {"--host", "no-such-host.invalid"},
            {"--tokenizer", "t.json"}};
        for (String[] option : cases) {
            CliRun run = CliRun.of("serve", option[0], option[1], "--port", option[0].equals("--port") ? "70000" : "0");
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains(option[0]), run.toString());
            assertEquals("", run.out(), run.toString());
        }
    }

    @Test
    void aTakenPortExitsTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.of("serve", "--port", String.valueOf(taken.getLocalPort()), "--threads", "1");
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("--port " + taken.getLocalPort()), run.toString());
        }
    }
}
