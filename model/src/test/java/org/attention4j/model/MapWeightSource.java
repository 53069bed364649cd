package org.attention4j.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Test weights held in memory: random tensors for any {@link BertConfig}, in Hugging Face names and layout. */
final class MapWeightSource implements WeightSource {
    final Map<String, float[]> data = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();

    void put(String name, float[] values, long... shape) {
        data.put(name, values);
        shapes.put(name, shape);
    }

    static MapWeightSource random(BertConfig c, long seed) {
        MapWeightSource w = new MapWeightSource();
        SplittableRandom r = new SplittableRandom(seed);
        int h = c.hiddenSize(), in = c.intermediateSize();
        w.random(r, "embeddings.word_embeddings.weight", 1, c.vocabSize(), h);
        w.random(r, "embeddings.position_embeddings.weight", 1, c.maxPositions(), h);
        w.random(r, "embeddings.token_type_embeddings.weight", 1, c.typeVocabSize(), h);
        w.norm(r, "embeddings.LayerNorm", h);
        for (int i = 0; i < c.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String m : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                w.linear(r, p + m, h, h);
            }
            w.norm(r, p + "attention.output.LayerNorm", h);
            w.linear(r, p + "intermediate.dense", h, in);
            w.linear(r, p + "output.dense", in, h);
            w.norm(r, p + "output.LayerNorm", h);
        }
        return w;
    }

    private void random(SplittableRandom r, String name, double scale, long... shape) {
        float[] v = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        put(name, v, shape);
    }

    private void linear(SplittableRandom r, String module, int in, int out) {
        random(r, module + ".weight", 1 / Math.sqrt(in), out, in);
        random(r, module + ".bias", 0.1, out);
    }

    private void norm(SplittableRandom r, String module, int h) {
        float[] gamma = new float[h];
        for (int i = 0; i < h; i++) {
            gamma[i] = (float) (0.8 + 0.4 * r.nextDouble());
        }
        put(module + ".weight", gamma, h);
        random(r, module + ".bias", 0.1, h);
    }

    @Override
    public String description() {
        return "test weights";
    }

    @Override
    public boolean contains(String name) {
        return data.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'");
        }
        return s.clone();
    }

    @Override
    public float[] read(String name) {
        float[] v = data.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'");
        }
        return v.clone();
    }
}
