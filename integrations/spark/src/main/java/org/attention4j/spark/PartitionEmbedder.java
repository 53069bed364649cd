package org.attention4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.attention4j.model.SentenceEmbedder;

/**
 * One partition's rows with their embedding appended, in the rows' order, a chunk at a time (memory stays
 * bounded whatever the partition's size). In each chunk the texts are ordered by length (bucketing: each
 * packed batch then holds texts of similar length, and its attention calls are alike) and embedded in packed
 * variable-length batches of the embedder's token budget: no padding, so every computed token is a real one.
 * A null or empty text gets a null embedding.
 */
final class PartitionEmbedder implements Iterator<Row> {
    /** Rows per chunk: a few dozen packed batches of short texts, a few MB of texts and vectors. */
    static final int CHUNK_ROWS = 1024;

    private final SentenceEmbedder embedder;
    private final int textColumn;
    private final int partition;
    private final Iterator<Row> in;
    private final int chunkRows;
    private final List<Row> chunk = new ArrayList<>();
    private Object[] vectors = new Object[0];
    private int next;
    /** Rows of this partition before the current chunk: error messages name the row. */
    private long chunkStart;

    PartitionEmbedder(SentenceEmbedder embedder, int textColumn, int partition, Iterator<Row> in, int chunkRows) {
        this.embedder = embedder;
        this.textColumn = textColumn;
        this.partition = partition;
        this.in = in;
        this.chunkRows = chunkRows;
    }

    @Override
    public boolean hasNext() {
        if (next < chunk.size()) {
            return true;
        }
        chunkStart += chunk.size();
        chunk.clear();
        next = 0;
        while (chunk.size() < chunkRows && in.hasNext()) {
            chunk.add(in.next());
        }
        if (chunk.isEmpty()) {
            return false;
        }
        vectors = embedChunk();
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row row = chunk.get(next);
        Object[] values = new Object[row.size() + 1];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        values[row.size()] = vectors[next++];
        return RowFactory.create(values);
    }

    /** The chunk's vectors (float[] or null), by row. */
    private Object[] embedChunk() {
        Object[] out = new Object[chunk.size()];
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < chunk.size(); r++) {
            String text = chunk.get(r).isNullAt(textColumn) ? null : chunk.get(r).getString(textColumn);
            if (text != null && !text.isEmpty()) {
                rows.add(r);
            }
        }
        rows.sort(Comparator.comparingInt(r -> chunk.get(r).getString(textColumn).length()));
        List<String> texts = new ArrayList<>(rows.size());
        for (int r : rows) {
            texts.add(chunk.get(r).getString(textColumn));
        }
        int d = embedder.dimension();
        float[] flat = new float[texts.size() * d];
        try {
            embedder.embed(texts, flat);
        } catch (RuntimeException e) {
            throw failingRow(rows, e);
        }
        for (int i = 0; i < rows.size(); i++) {
            out[rows.get(i)] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    /** The chunk failed: finds the first row that fails on its own, for a message that names it. */
    private RuntimeException failingRow(List<Integer> rows, RuntimeException chunkFailure) {
        for (int r : rows) {
            String text = chunk.get(r).getString(textColumn);
            try {
                embedder.embed(text);
            } catch (RuntimeException e) {
                return new IllegalArgumentException("attention4j: row " + (chunkStart + r) + " of partition " + partition
                        + " (text '" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'): " + e.getMessage(), e);
            }
        }
        return chunkFailure;
    }
}
