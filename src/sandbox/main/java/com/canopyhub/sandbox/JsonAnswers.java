package com.canopyhub.sandbox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** JSON requests and answers of the marketplace sandboxes: errors in one shape, exact decimals, slow answers. */
public final class JsonAnswers {

    public static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private final ThreadLocal<Duration> answerDelay = new ThreadLocal<>();

    /** The next answer on this thread goes out only after {@code delay} (the request itself is carried out). */
    public void delayNextAnswer(Duration delay) {
        answerDelay.set(delay);
    }

    public void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        Duration delay = answerDelay.get();
        if (delay != null) {
            answerDelay.remove();
            try {
                Thread.sleep(delay.toMillis()); // a slow answer: the client's timeout is what is tested
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The body as a JSON object, or null after answering 400. */
    public JsonNode parse(HttpExchange ex, byte[] body) throws IOException {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IOException("not an object");
            }
            return n;
        } catch (IOException e) {
            send(ex, 400, error("invalid_json", "the body is not a JSON object"));
            return null;
        }
    }

    public static ObjectNode error(String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error", code).put("message", message);
        return e;
    }

    public static ObjectNode validation(Map<String, String> problems) {
        ObjectNode e = error("validation_failed", "some fields are invalid");
        ObjectNode fields = e.putObject("fields");
        problems.forEach(fields::put);
        return e;
    }

    public static String bearer(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        return h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
    }

    /** A number or a numeric string, exactly; null otherwise. */
    public static BigDecimal decimal(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isTextual()) {
            try {
                return new BigDecimal(n.asText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
