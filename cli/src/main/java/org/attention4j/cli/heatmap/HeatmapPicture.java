package org.attention4j.cli.heatmap;

/**
 * What a heatmap shows: the pooled weights, their color scale, two title lines, and where the weights
 * sit in the sequences ({@code firstQuery}, {@code queryCount} rows of queries; {@code firstKey},
 * {@code keyCount} columns of keys, before pooling) so the axes are labeled in token positions.
 */
record HeatmapPicture(PooledGrid grid, ColorScale scale, String title, String subtitle, int firstQuery,
                      int queryCount, int firstKey, int keyCount) {
}
