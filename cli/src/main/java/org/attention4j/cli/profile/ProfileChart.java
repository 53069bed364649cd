package org.attention4j.cli.profile;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code --chart}: two log-log panels side by side, drawn with XChart. Left, p50 latency against
 * sequence length, one series per kernel × threads. Right, the memory each needs (tensors plus working
 * memory) and, dashed, what a batched naive n × n score matrix would need at every length: the n² vs
 * n·d story at a glance. SVG (vector) or PNG by the file name.
 */
public final class ProfileChart {
    private static final int PANEL_WIDTH = 640;
    private static final int HEIGHT = 460;
    private static final double MIB = 1024.0 * 1024.0;

    private ProfileChart() {}

    /** True when {@code name} ends in .svg or .png (case-insensitive). */
    public static boolean supported(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".svg") || n.endsWith(".png");
    }

    public static void write(ProfileReport report, String fileName, OutputStream out) throws IOException {
        XYChart latency = latencyChart(report);
        XYChart memory = memoryChart(report);
        if (fileName.toLowerCase(Locale.ROOT).endsWith(".svg")) {
            VectorGraphics2D g = new VectorGraphics2D();
            paint(g, latency, memory);
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, 2 * PANEL_WIDTH, HEIGHT)).writeTo(out);
        } else {
            BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(g, latency, memory);
            g.dispose();
            ImageIO.write(image, "png", out);
        }
    }

    private static void paint(Graphics2D g, XYChart left, XYChart right) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 2 * PANEL_WIDTH, HEIGHT);
        left.paint(g, PANEL_WIDTH, HEIGHT);
        g.translate(PANEL_WIDTH, 0);
        right.paint(g, PANEL_WIDTH, HEIGHT);
        g.translate(-PANEL_WIDTH, 0);
    }

    private static XYChart latencyChart(ProfileReport report) {
        XYChart chart = chart("Latency (p50)", "milliseconds");
        for (Map.Entry<String, TreeMap<Integer, ProfileRow>> s : series(report).entrySet()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            s.getValue().forEach((n, r) -> {
                x.add((double) n);
                y.add(r.latency().p50());
            });
            add(chart, s.getKey(), x, y, false);
        }
        return chart;
    }

    private static XYChart memoryChart(ProfileReport report) {
        XYChart chart = chart("Memory: tensors + working memory", "MiB");
        TreeMap<Integer, Double> naiveMatrix = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Integer, ProfileRow>> s : series(report).entrySet()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            s.getValue().forEach((n, r) -> {
                x.add((double) n);
                y.add(Math.max(1e-3, (r.tensorBytes() + r.workingBytes()) / MIB));
            });
            add(chart, s.getKey(), x, y, false);
        }
        for (ProfileRow r : report.rows()) {
            naiveMatrix.put(r.spec().keyLength(), r.naiveMatrixBytes() / MIB);
        }
        if (!naiveMatrix.isEmpty()) {
            add(chart, "n×n score matrix [B,H,Lq,Lk]", new ArrayList<>(naiveMatrix.keySet().stream()
                    .map(Integer::doubleValue).toList()), new ArrayList<>(naiveMatrix.values()), true);
        }
        return chart;
    }

    /** Measured rows grouped by "kernel, N threads", each ordered by sequence length. */
    private static Map<String, TreeMap<Integer, ProfileRow>> series(ProfileReport report) {
        Map<String, TreeMap<Integer, ProfileRow>> series = new LinkedHashMap<>();
        for (ProfileRow r : report.rows()) {
            if (r.measured()) {
                String name = r.kernel() + ", " + r.threads() + (r.threads() == 1 ? " thread" : " threads");
                series.computeIfAbsent(name, k -> new TreeMap<>()).put(r.spec().keyLength(), r);
            }
        }
        return series;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("sequence length (tokens)").yAxisTitle(yTitle).build();
        XYStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(true);
        styler.setYAxisLogarithmic(true);
        styler.setLegendPosition(Styler.LegendPosition.InsideNW);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setLegendBorderColor(new Color(200, 200, 200));
        styler.setXAxisDecimalPattern("#,###");
        styler.setYAxisDecimalPattern("#,##0.###");
        return chart;
    }

    private static void add(XYChart chart, String name, List<Double> x, List<Double> y, boolean dashed) {
        if (x.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        if (dashed) {
            s.setLineStyle(SeriesLines.DASH_DASH);
            s.setLineColor(Color.GRAY);
            s.setMarkerColor(Color.GRAY);
        }
    }
}
