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
 * So is a value that is valid JSON but that PostgreSQL cannot store (a NUL character in a text, a number beyond
 * NUMERIC, an instant beyond timestamptz): one such value would otherwise fail the write of its whole page.
 */
public final class JsonFields {

    private static final java.util.regex.Pattern TYPOGRAPHIC_HYPHENS = java.util.regex.Pattern.compile("[\u2010-\u2015]");
    /** PostgreSQL NUMERIC holds up to 131,072 digits before the decimal point and 16,383 after it. */
    static final int NUMERIC_MAX_INTEGER_DIGITS = 131_072;
    static final int NUMERIC_MAX_FRACTION_DIGITS = 16_383;
    /** timestamptz spans 4713 BC to 294276 AD. */
    static final Instant TIMESTAMPTZ_MIN = Instant.parse("-4712-01-01T00:00:00Z");
    static final Instant TIMESTAMPTZ_MAX = Instant.parse("+294276-12-31T23:59:59.999999Z");

    private JsonFields() {
    }

    /** Text at a path of nested fields, e.g. {@code text(product, "brand", "name")}. */
    public static String text(JsonNode node, String... path) {
        return textOf(at(node, path), path);
    }

    /** Text of a field of an object read once (its first path element looked up in the object's table). */
    public static String text(UpstreamObject o, String... path) {
        return textOf(at(o, path), path);
    }

    public static String requiredText(UpstreamObject o, String... path) {
        return required(text(o, path), path);
    }

    public static BigDecimal decimal(UpstreamObject o, String... path) {
        return decimalOf(at(o, path), path);
    }

    public static Instant instant(UpstreamObject o, String... path) {
        return instantOf(text(o, path), path);
    }

    public static boolean bool(UpstreamObject o, String field) {
        return boolOf(o.get(field), field);
    }

    public static Map<String, String> customData(UpstreamObject o, String field) {
        return customDataOf(o.get(field), field);
    }

    public static List<String> textsOf(UpstreamObject o, String arrayField, String field) {
        return textsOfNode(o.get(arrayField), arrayField, field);
    }

    private static String textOf(JsonNode n, String... path) {
        if (n == null) {
            return null;
        }
        if (n.isValueNode()) {
            return storableText(n.asText(), path);
        }
        throw new RecordRejectedException(String.join(".", path) + ": expected a value, got " + n.getNodeType());
    }

    /** PostgreSQL text (and jsonb) cannot hold U+0000: {@code invalid byte sequence for encoding "UTF8": 0x00}. */
    private static String storableText(String v, String... path) {
        if (v.indexOf('\u0000') >= 0) {
            throw new RecordRejectedException(String.join(".", path)
                    + ": contains a NUL character (U+0000), which PostgreSQL text cannot store");
        }
        return v;
    }

    private static BigDecimal storableDecimal(BigDecimal d, String... path) {
        long integerDigits = (long) d.precision() - d.scale();
        if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS || d.scale() > NUMERIC_MAX_FRACTION_DIGITS) {
            // never print the number whole: 1e200000 has 200,001 digits
            throw new RecordRejectedException(String.join(".", path) + ": " + abbreviated(d)
                    + " is beyond what PostgreSQL NUMERIC stores (" + NUMERIC_MAX_INTEGER_DIGITS
                    + " digits before the point, " + NUMERIC_MAX_FRACTION_DIGITS + " after)");
        }
        return d;
    }

    private static String abbreviated(BigDecimal d) {
        return d.precision() <= 30 && Math.abs(d.scale()) <= 30 ? d.toString()
                : d.unscaledValue().toString().substring(0, Math.min(12, d.precision())) + "…E" + (d.precision() - d.scale() - 1);
    }

    public static String requiredText(JsonNode node, String... path) {
        return required(text(node, path), path);
    }

    private static String required(String v, String... path) {
        if (v == null || v.isBlank()) {
            throw new RecordRejectedException(String.join(".", path) + ": required but missing");
        }
        return v;
    }

    /** An exact decimal from a decimal string ("5.000000000") or a JSON number; never via double. */
    public static BigDecimal decimal(JsonNode node, String... path) {
        return decimalOf(at(node, path), path);
    }

    private static BigDecimal decimalOf(JsonNode n, String... path) {
        if (n == null) {
            return null;
        }
        if (n.isNumber()) {
            return storableDecimal(n.decimalValue(), path);
        }
        if (n.isTextual()) {
            String t = n.asText().trim();
            if (t.isEmpty()) {
                return null;
            }
            BigDecimal d;
            try {
                d = new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw new RecordRejectedException(String.join(".", path) + ": '" + t + "' is not a decimal number");
            }
            return storableDecimal(d, path);
        }
        throw new RecordRejectedException(String.join(".", path) + ": expected a decimal, got " + n.getNodeType());
    }

    public static Instant instant(JsonNode node, String... path) {
        return instantOf(text(node, path), path);
    }

    private static Instant instantOf(String t, String... path) {
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
        Instant i;
        try {
            i = Instant.parse(normalised);
        } catch (DateTimeParseException e) {
            throw new RecordRejectedException(String.join(".", path) + ": '" + t + "' is not an ISO-8601 instant");
        }
        if (i.isBefore(TIMESTAMPTZ_MIN) || i.isAfter(TIMESTAMPTZ_MAX)) {
            throw new RecordRejectedException(String.join(".", path) + ": '" + t
                    + "' is outside what PostgreSQL timestamptz stores (4713 BC to 294276 AD)");
        }
        return i;
    }

    public static boolean bool(JsonNode node, String field) {
        return boolOf(at(node, field), field);
    }

    private static boolean boolOf(JsonNode n, String field) {
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
        return customDataOf(at(node, field), field);
    }

    private static Map<String, String> customDataOf(JsonNode n, String field) {
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
            out.put(name, v == null || v.isNull() ? null
                    : storableText(v.isValueNode() ? v.asText() : v.toString(), field, name));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The given field of each element of an array field. */
    public static List<String> textsOf(JsonNode node, String arrayField, String field) {
        return textsOfNode(at(node, arrayField), arrayField, field);
    }

    private static List<String> textsOfNode(JsonNode n, String arrayField, String field) {
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

    /** The value at a path whose first field is read from the object's table, the rest from the nested tree. */
    private static JsonNode at(UpstreamObject o, String... path) {
        JsonNode n = o.get(path[0]);
        for (int i = 1; i < path.length && n != null; i++) {
            n = n.get(path[i]);
            if (n != null && n.isNull()) {
                n = null;
            }
        }
        return n;
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
