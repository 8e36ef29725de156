package dev.freshet.app.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the terminal ({@code \r}-redrawn): rows done of total, percent and
 * rate. Draws at most a few times per second so it costs nothing on fast runs.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long started = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    public ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    /** Reports {@code done} of {@code total} units (total 0 = unknown). */
    public synchronized void update(long done, long total) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && done < total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        out.print('\r');
        out.print(render(done, total, (now - started) / 1e9));
        out.flush();
    }

    /** Ends the bar's line, if it was drawn and not ended yet. */
    public synchronized void done() {
        if (drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    String render(long done, long total, double seconds) {
        double fraction = total <= 0 ? 0 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String rate = seconds > 0 ? String.format("%,.0f/s", done / seconds) : "";
        return String.format("%s [%s%s] %,d/%,d rows %3.0f%% %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                done, total, fraction * 100, rate);
    }
}
