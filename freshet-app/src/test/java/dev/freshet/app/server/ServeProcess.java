package dev.freshet.app.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.freshet.app.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM running the real {@code freshet serve} entry point ({@link Main}) with the test's own
 * java binary and classpath, so no packaged jar is needed. {@link #start} returns once the child
 * has printed its URL (it listens on {@code --port 0}, so the port is parsed from that line);
 * {@link #awaitReady} polls {@code GET /ready}. Stdout is drained by a daemon thread for the
 * child's whole life (a full pipe would block it); stderr goes to a file.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern URL = Pattern.compile("Freshet serving .* on http://localhost:(\\d+) \\(data: .*\\)");
    private static final String EOF = "\u0000EOF";

    private final Process process;
    private final int port;
    private final Path stderr;

    private ServeProcess(Process process, int port, Path stderr) {
        this.process = process;
        this.port = port;
        this.stderr = stderr;
    }

    /** Starts {@code freshet serve --repo repo --data data --port 0 <extraArgs>}; stderr goes to {@code stderr}. */
    static ServeProcess start(Path repo, Path data, Path stderr, Duration timeout, String... extraArgs)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--repo", repo.toString(), "--data", data.toString(), "--port", "0"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
        pb.environment().remove("FRESHET_TOKEN"); // writes must not need a token here
        Process process = pb.start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon(true).name("serve-stdout-" + process.pid()).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("stdout: " + e);
            } finally {
                lines.add(EOF);
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean started = false;
        try {
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(EOF)) {
                    throw new AssertionError((line == null ? "no URL printed within " + timeout : "server exited early")
                            + "; stderr: " + Files.readString(stderr));
                }
                Matcher m = URL.matcher(line);
                if (m.matches()) {
                    started = true;
                    return new ServeProcess(process, Integer.parseInt(m.group(1)), stderr);
                }
            }
        } finally {
            if (!started) {
                process.destroyForcibly();
            }
        }
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Polls {@code GET /ready} (every 20 ms) until it answers 200; fails at the deadline or if the child dies. */
    void awaitReady(HttpClient http, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before it was ready; stderr: " + stderr());
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/ready")).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                throw new AssertionError("/ready answered " + r.statusCode() + " " + r.body() + "; stderr: " + stderr());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Ends the child the hard way if it is still running (a test that already killed it is unaffected). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
