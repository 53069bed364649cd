package org.attention4j.cli.heatmap;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Draws a {@link HeatmapPicture} with Java2D: keys on the x axis, queries on the y axis (the first query
 * at the top, as a matrix is printed), ticks in token positions, a color bar with its scale, and a swatch
 * for hidden keys. The same painting goes to a PNG (ImageIO) or an SVG (VectorGraphics2D, text as text).
 *
 * <p>The cells are one raster already scaled to whole pixels per cell, drawn 1:1: no viewer smooths
 * them into a blur, and a 512 × 512 map is one embedded image in the SVG, not 262,144 rectangles.
 */
final class HeatmapPainter {
    /** Target side of the plot in pixels: each cell gets {@code TARGET / cells} whole pixels (at least 1). */
    static final int TARGET = 512;
    /** Where the plot's top-left cell starts, and the margins around it (pixels). */
    static final int LEFT = 78, TOP = 64, BOTTOM = 58, RIGHT = 160;
    private static final int BAR_GAP = 18, BAR_WIDTH = 16, TICK = 4;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Color INK = new Color(0x222222);

    private final HeatmapPicture picture;
    private final int cellWidth, cellHeight, plotWidth, plotHeight, width, height;

    HeatmapPainter(HeatmapPicture picture) {
        this.picture = picture;
        PooledGrid grid = picture.grid();
        this.cellWidth = Math.max(1, TARGET / grid.cols());
        this.cellHeight = Math.max(1, TARGET / grid.rows());
        this.plotWidth = grid.cols() * cellWidth;
        this.plotHeight = grid.rows() * cellHeight;
        Graphics2D measure = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int titleWidth = Math.max(measure.getFontMetrics(TITLE).stringWidth(picture.title()),
                measure.getFontMetrics(TEXT).stringWidth(picture.subtitle()));
        measure.dispose();
        this.width = Math.max(LEFT + plotWidth + RIGHT, titleWidth + 40);
        this.height = TOP + plotHeight + BOTTOM;
    }

    int width() { return width; }
    int height() { return height; }

    void writePng(OutputStream out) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        paint(g);
        g.dispose();
        ImageIO.write(image, "png", out);
    }

    void writeSvg(OutputStream out) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g);
        new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, width, height)).writeTo(out);
    }

    private void paint(Graphics2D g) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int plotX = LEFT, plotY = TOP;
        g.setColor(INK);
        g.setFont(TITLE);
        centered(g, picture.title(), width / 2.0, 24);
        g.setFont(TEXT);
        centered(g, picture.subtitle(), width / 2.0, 44);
        g.drawImage(cells(), plotX, plotY, null);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(plotX - 1, plotY - 1, plotWidth + 1, plotHeight + 1);
        keyAxis(g, plotX, plotY + plotHeight);
        queryAxis(g, plotX, plotY);
        colorBar(g, plotX + plotWidth + BAR_GAP, plotY);
    }

    /** The cells as one image, {@code cellWidth × cellHeight} pixels each. */
    private BufferedImage cells() {
        PooledGrid grid = picture.grid();
        BufferedImage image = new BufferedImage(plotWidth, plotHeight, BufferedImage.TYPE_INT_RGB);
        int[] line = new int[plotWidth];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.cols(); c++) {
                int rgb = picture.scale().colorOf(grid.value(r, c)).getRGB();
                Arrays.fill(line, c * cellWidth, (c + 1) * cellWidth, rgb);
            }
            for (int y = r * cellHeight; y < (r + 1) * cellHeight; y++) {
                image.setRGB(0, y, plotWidth, 1, line, 0, plotWidth);
            }
        }
        return image;
    }

    private void keyAxis(Graphics2D g, int plotX, int bottom) {
        double perKey = (double) cellWidth / picture.grid().colBlock();
        int step = indexStep(picture.keyCount(), plotWidth);
        int first = picture.firstKey(), last = first + picture.keyCount() - 1;
        for (int t = ceilToMultiple(first, step); t <= last; t += step) {
            double x = plotX + (t - first + 0.5) * perKey;
            g.drawLine((int) Math.round(x), bottom + 1, (int) Math.round(x), bottom + 1 + TICK);
            centered(g, Integer.toString(t), x, bottom + 18);
        }
        centered(g, "key position", plotX + plotWidth / 2.0, bottom + 40);
    }

    private void queryAxis(Graphics2D g, int plotX, int plotY) {
        double perQuery = (double) cellHeight / picture.grid().rowBlock();
        int step = indexStep(picture.queryCount(), plotHeight);
        int first = picture.firstQuery(), last = first + picture.queryCount() - 1;
        int ascent = g.getFontMetrics().getAscent();
        for (int t = ceilToMultiple(first, step); t <= last; t += step) {
            double y = plotY + (t - first + 0.5) * perQuery;
            g.drawLine(plotX - 1 - TICK, (int) Math.round(y), plotX - 1, (int) Math.round(y));
            String label = Integer.toString(t);
            g.drawString(label, plotX - 8 - g.getFontMetrics().stringWidth(label), (float) (y + ascent / 2.0 - 1));
        }
        rotated(g, "query position", 22, plotY + plotHeight / 2.0);
    }

    private void colorBar(Graphics2D g, int barX, int barY) {
        ColorScale scale = picture.scale();
        BufferedImage bar = new BufferedImage(BAR_WIDTH, plotHeight, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < plotHeight; y++) { // the top is the largest weight
            int rgb = ColorScale.colorAt(1 - (y + 0.5) / plotHeight).getRGB();
            for (int x = 0; x < BAR_WIDTH; x++) {
                bar.setRGB(x, y, rgb);
            }
        }
        g.drawImage(bar, barX, barY, null);
        g.drawRect(barX - 1, barY - 1, BAR_WIDTH + 1, plotHeight + 1);
        int ascent = g.getFontMetrics().getAscent();
        int labelsWidth = 0;
        for (double tick : scale.ticks()) {
            double y = barY + (1 - scale.position(tick)) * plotHeight;
            int x = barX + BAR_WIDTH + 1;
            g.drawLine(x, (int) Math.round(y), x + TICK, (int) Math.round(y));
            String label = scale.format(tick);
            g.drawString(label, x + TICK + 4, (float) (y + ascent / 2.0 - 1));
            labelsWidth = Math.max(labelsWidth, g.getFontMetrics().stringWidth(label));
        }
        rotated(g, scale.isLog() ? "attention weight (log scale)" : "attention weight",
                barX + BAR_WIDTH + TICK + 4 + labelsWidth + 18, barY + plotHeight / 2.0);
        if (picture.grid().hasZeros()) {
            int y = barY + plotHeight + 14;
            g.setColor(ColorScale.HIDDEN);
            g.fillRect(barX, y, BAR_WIDTH, 12);
            g.setColor(INK);
            g.drawRect(barX - 1, y - 1, BAR_WIDTH + 1, 13);
            g.drawString("weight 0 (hidden)", barX + BAR_WIDTH + 6, y + 11);
        }
    }

    /** Whole-number tick spacing giving a label every ~60 pixels at most. */
    private static int indexStep(int count, int pixels) {
        double wanted = Math.max(1, count / Math.max(1.0, pixels / 60.0));
        return (int) Math.max(1, Math.round(ColorScale.niceStep(wanted)));
    }

    private static int ceilToMultiple(int value, int step) {
        return Math.ceilDiv(value, step) * step;
    }

    private static void centered(Graphics2D g, String text, double centerX, double baseline) {
        g.drawString(text, (float) (centerX - g.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
    }

    /** Text turned a quarter counter-clockwise, centered on (x, centerY). */
    private static void rotated(Graphics2D g, String text, double x, double centerY) {
        AffineTransform saved = g.getTransform();
        g.translate(x, centerY);
        g.rotate(-Math.PI / 2);
        centered(g, text, 0, 0);
        g.setTransform(saved);
    }
}
