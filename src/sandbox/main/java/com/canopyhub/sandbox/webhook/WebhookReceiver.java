package com.canopyhub.sandbox.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in webhook receiver: a stateful sandbox endpoint (any path on 127.0.0.1) that verifies every request's
 * Standard Webhooks signature and X-Signature-256 against its secret, keeps what arrived, and answers as scripted:
 * 2xx by default, or a queue of statuses per path (500, 429 with Retry-After, 410, a redirect, a slow answer) so
 * tests can drive every delivery rule. The default run subscribes it to every event (subscription 'sandbox').
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String path, String webhookId, String timestamp, String signature, String signature256,
                           byte[] body, boolean verified, long receivedAtMillis, int answered) {
        /** Verified and answered 2xx: the event counts as delivered. */
        public boolean accepted() {
            return verified && answered >= 200 && answered < 300;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A scripted answer: a status, an optional Retry-After or Location, an optional delay before answering. */
    public record Answer(int status, String retryAfter, String location, long delayMillis) {
        public static Answer status(int status) {
            return new Answer(status, null, null, 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String secret;
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<String> verifiedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> always = new ConcurrentHashMap<>();
    private volatile boolean keepBodies = true;

    private WebhookReceiver(HttpServer server, ExecutorService executor, String secret) {
        this.server = server;
        this.executor = executor;
        this.secret = secret;
    }

    /** Starts on 127.0.0.1 and a free port. */
    public static WebhookReceiver start(String secret) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ExecutorService executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "webhook-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        WebhookReceiver receiver = new WebhookReceiver(server, executor, secret);
        server.createContext("/", receiver::handle);
        server.start();
        return receiver;
    }

    /** The URL of a path on this receiver, e.g. {@code url("/webhooks")}. */
    public String url(String path) {
        return "http://localhost:" + server.getAddress().getPort() + path;
    }

    /** The secret this receiver verifies with (the sandbox subscription signs with it). */
    public String secret() {
        return secret;
    }

    /** The next answers on {@code path}, in order; after them the default (or {@link #always}) applies. */
    public WebhookReceiver script(String path, Answer... answers) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    /** Every request on {@code path} gets this answer (null: back to 200). */
    public WebhookReceiver always(String path, Answer answer) {
        if (answer == null) {
            always.remove(path);
        } else {
            always.put(path, answer);
        }
        return this;
    }

    /** Bench: count without keeping bodies. */
    public WebhookReceiver keepBodies(boolean keep) {
        this.keepBodies = keep;
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = ex.getRequestHeaders().getFirst("webhook-signature");
            String sig256 = ex.getRequestHeaders().getFirst("X-Signature-256");
            boolean verified = verifies(secret, id, ts, sig, sig256, body);
            String path = ex.getRequestURI().getPath();
            Answer answer = next(path);
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis()); // a slow receiver (the hub's timeout is what is tested)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!verified) {
                rejected.incrementAndGet();
                answer = Answer.status(401);
            }
            received.add(new Received(path, id, ts, sig, sig256, keepBodies ? body : new byte[0], verified, System.currentTimeMillis(),
                    answer.status()));
            if (verified && answer.status() >= 200 && answer.status() < 300) {
                verifiedIds.add(id);
            }
            if (answer.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            if (answer.location() != null) {
                ex.getResponseHeaders().add("Location", answer.location());
            }
            byte[] reply = answer.status() >= 400 ? ("{\"error\":\"sandbox answered " + answer.status() + "\"}").getBytes(StandardCharsets.UTF_8)
                    : new byte[0];
            ex.sendResponseHeaders(answer.status(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(reply);
                }
            }
        }
    }

    private Answer next(String path) {
        Deque<Answer> script = scripts.get(path);
        if (script != null) {
            synchronized (script) {
                Answer a = script.poll();
                if (a != null) {
                    return a;
                }
            }
        }
        return always.getOrDefault(path, Answer.status(200));
    }

    /** Both signatures, checked the way a consumer would (constant-time comparison). */
    public static boolean verifies(String secret, String id, String timestamp, String signatures, String signature256, byte[] body) {
        if (secret == null || id == null || timestamp == null || signatures == null || signature256 == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            boolean standard = false;
            for (String s : signatures.split(" ")) {
                if (s.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(s.substring(3)))) {
                    standard = true;
                }
            }
            Mac gh = Mac.getInstance("HmacSHA256");
            gh.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String hex = "sha256=" + HexFormat.of().formatHex(gh.doFinal(body));
            return standard && MessageDigest.isEqual(hex.getBytes(StandardCharsets.US_ASCII), signature256.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Everything that arrived, in order. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Received> received(String path) {
        return received().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Distinct events accepted (verified and answered 2xx). */
    public int eventsAccepted() {
        return verifiedIds.size();
    }

    public long requests() {
        return requests.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public URI baseUri() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
