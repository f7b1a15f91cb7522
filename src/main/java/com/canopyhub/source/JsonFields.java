package com.canopyhub.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict readers for fields of upstream JSON. A missing or null field reads as null; a present field of the
 * wrong shape is a {@link RecordRejectedException} naming the field, so a bad record is dead-lettered with a reason.
 */
public final class JsonFields {

    private static final java.util.regex.Pattern TYPOGRAPHIC_HYPHENS = java.util.regex.Pattern.compile("[\u2010-\u2015]");

    private JsonFields() {
    }

    /** Text at a path of nested fields, e.g. {@code text(product, "brand", "name")}. */
    public static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n == null) {
            return null;
        }
        if (n.isValueNode()) {
            return n.asText();
        }
        throw new RecordRejectedException(String.join(".", path) + ": expected a value, got " + n.getNodeType());
    }

    public static String requiredText(JsonNode node, String... path) {
        String v = text(node, path);
        if (v == null || v.isBlank()) {
            throw new RecordRejectedException(String.join(".", path) + ": required but missing");
        }
        return v;
    }

    /** An exact decimal from a decimal string ("5.000000000") or a JSON number; never via double. */
    public static BigDecimal decimal(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isTextual()) {
            String t = n.asText().trim();
            if (t.isEmpty()) {
                return null;
            }
            try {
                return new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw new RecordRejectedException(String.join(".", path) + ": '" + t + "' is not a decimal number");
            }
        }
        throw new RecordRejectedException(String.join(".", path) + ": expected a decimal, got " + n.getNodeType());
    }

    public static Instant instant(JsonNode node, String... path) {
        String t = text(node, path);
        if (t == null || t.isBlank()) {
            return null;
        }
        // Distru's own examples sometimes carry typographic hyphens (U+2010) in dates, and queries use a space
        String normalised = t.trim();
        for (int i = 0; i < normalised.length(); i++) {
            char c = normalised.charAt(i);
            if (c == ' ' || (c >= '\u2010' && c <= '\u2015')) {
                normalised = TYPOGRAPHIC_HYPHENS.matcher(normalised).replaceAll("-").replace(' ', 'T');
                break;
            }
        }
        try {
            return Instant.parse(normalised);
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException(String.join(".", path) + ": '" + t + "' is not an ISO-8601 instant");
        }
    }

    public static boolean bool(JsonNode node, String field) {
        JsonNode n = at(node, field);
        if (n == null) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        throw new RecordRejectedException(field + ": expected true or false, got " + n);
    }

    /** Distru custom fields ({@code [{id, name, value}]}) as a sorted name→value map. */
    public static Map<String, String> customData(JsonNode node, String field) {
        JsonNode n = at(node, field);
        if (n == null) {
            return Map.of();
        }
        if (!n.isArray()) {
            throw new RecordRejectedException(field + ": expected an array");
        }
        Map<String, String> out = new TreeMap<>();
        for (JsonNode f : n) {
            String name = requiredText(f, "name");
            JsonNode v = f.get("value");
            out.put(name, v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString());
        }
        return Collections.unmodifiableMap(out);
    }

    /** The given field of each element of an array field. */
    public static List<String> textsOf(JsonNode node, String arrayField, String field) {
        JsonNode n = at(node, arrayField);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new RecordRejectedException(arrayField + ": expected an array");
        }
        List<String> out = new ArrayList<>();
        n.forEach(e -> {
            String v = text(e, field);
            if (v != null) {
                out.add(v);
            }
        });
        return List.copyOf(out);
    }

    private static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null || n.isNull()) {
                return null;
            }
            n = n.get(p);
        }
        return n == null || n.isNull() ? null : n;
    }
}
