package com.canopyhub.bench;

import com.canopyhub.sandbox.LoopbackServer;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Upstream pages recorded once and replayed from disk by another process, so the bench's full-sync figure is the
 * hub's own: the sandbox's rendering (a scan, JSON generation) no longer shares the hub's JVM, and replaying costs
 * the replaying process a file read per page.
 *
 * <p>{@link #record} is a proxy in front of a live sandbox that keeps each 200 body under its request's key;
 * {@link #spawn} starts a JVM ({@link #main}) that serves them. A request's key is its path and query with the
 * values of time-window parameters reduced to which side is bounded: a later pass asks for the same pages with a
 * later window end, and the data did not change in between (the bench records right before it replays).
 */
public final class PageReplay {

    /** Query parameters whose values are instants (Distru's {@code updated_datetime=START,END}). */
    private static final Pattern WINDOW = Pattern.compile("(updated_datetime=)([^&]*)");
    private static final String INDEX = "index.tsv";

    private PageReplay() {
    }

    /** The key a request is recorded and replayed under. */
    static String key(String pathAndQuery) {
        return WINDOW.matcher(pathAndQuery).replaceAll(m -> {
            String v = java.net.URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            int comma = v.indexOf(',');
            String from = comma < 0 ? v : v.substring(0, comma);
            String to = comma < 0 ? "" : v.substring(comma + 1);
            return m.group(1) + (from.isEmpty() ? "" : "FROM") + "," + (to.isEmpty() ? "" : "TO");
        });
    }

    /** A recording proxy in front of {@code upstream}: every 200 answer is kept in {@code dir}. */
    public static LoopbackServer record(URI upstream, Path dir) throws IOException {
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newHttpClient();
        AtomicInteger files = new AtomicInteger();
        Map<String, String> index = new ConcurrentHashMap<>();
        return LoopbackServer.start("page-recorder", ex -> {
            try (ex) {
                String pathAndQuery = ex.getRequestURI().getRawPath()
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
                HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(upstream + pathAndQuery)).GET();
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth != null) {
                    rq.header("Authorization", auth);
                }
                HttpResponse<byte[]> rs = http.send(rq.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (rs.statusCode() == 200) {
                    String file = "page-" + files.incrementAndGet() + ".json";
                    Files.write(dir.resolve(file), rs.body());
                    if (index.putIfAbsent(key(pathAndQuery), file) == null) {
                        synchronized (index) {
                            Files.writeString(dir.resolve(INDEX), key(pathAndQuery) + "\t" + file + "\n", StandardCharsets.UTF_8,
                                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                        }
                    }
                }
                rs.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().add("Content-Type", t));
                rs.headers().firstValue("Retry-After").ifPresent(t -> ex.getResponseHeaders().add("Retry-After", t));
                ex.sendResponseHeaders(rs.statusCode(), rs.body().length == 0 ? -1 : rs.body().length);
                if (rs.body().length > 0) {
                    ex.getResponseBody().write(rs.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The replaying process, and where it listens. */
    public record Replayer(Process process, URI baseUrl) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Starts a JVM that replays the pages recorded in {@code dir}; returns once it listens. */
    public static Replayer spawn(Path dir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                PageReplay.class.getName(), dir.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("listening ")) {
            p.destroyForcibly();
            throw new IOException("the page replayer did not start (said: " + line + ")");
        }
        return new Replayer(p, URI.create(line.substring("listening ".length()).trim()));
    }

    /** The replaying process: serves the pages in {@code args[0]} until killed; an unrecorded request is a 404. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, Path> pages = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(dir.resolve(INDEX), StandardCharsets.UTF_8)) {
            List<String> kv = List.of(line.split("\t", 2));
            pages.put(kv.get(0), dir.resolve(kv.get(1)));
        }
        LoopbackServer server = LoopbackServer.start("page-replay", ex -> serve(ex, pages));
        System.out.println("listening " + server.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void serve(HttpExchange ex, Map<String, Path> pages) throws IOException {
        try (ex) {
            String pathAndQuery = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            Path page = pages.get(key(pathAndQuery));
            if (page == null) {
                System.err.println("page replay: nothing recorded for " + pathAndQuery);
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, Files.size(page));
            try (OutputStream body = ex.getResponseBody()) {
                Files.copy(page, body);
            }
        }
    }
}
