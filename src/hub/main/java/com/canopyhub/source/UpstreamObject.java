package com.canopyhub.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * An upstream record's JSON object read in one walk over its fields: the mappers then ask it for each field they map
 * (some 30 a record) from a small table made in that walk, instead of looking each one up in the parsed tree (a hash
 * lookup in a map the parser left cold in another thread's cache, per field asked). Names Jackson parsed are interned,
 * as are the mappers' literals, so a name is usually found by identity.
 *
 * <p>Read through {@link JsonFields}, like a {@link JsonNode}: a missing or JSON-null field reads as null.
 */
public final class UpstreamObject {

    private static final String[] NO_NAMES = new String[1];
    private static final JsonNode[] NO_VALUES = new JsonNode[1];

    private final JsonNode node;
    private final String[] names;
    private final JsonNode[] values;
    private final int mask;

    private UpstreamObject(JsonNode node, String[] names, JsonNode[] values) {
        this.node = node;
        this.names = names;
        this.values = values;
        this.mask = names.length - 1;
    }

    /** The object's fields, read once (a value that is not an object has none). */
    public static UpstreamObject of(JsonNode node) {
        if (node == null || !node.isObject() || node.size() == 0) {
            return new UpstreamObject(node, NO_NAMES, NO_VALUES);
        }
        int capacity = Integer.highestOneBit(node.size() * 2 - 1) << 1; // a power of two, at most half full
        String[] names = new String[capacity];
        JsonNode[] values = new JsonNode[capacity];
        int mask = capacity - 1;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value instanceof com.fasterxml.jackson.databind.node.NullNode) {
                continue; // null and absent read alike
            }
            int i = field.getKey().hashCode() & mask;
            while (names[i] != null) {
                i = (i + 1) & mask;
            }
            names[i] = field.getKey();
            values[i] = value;
        }
        return new UpstreamObject(node, names, values);
    }

    /** The field's value, or null when it is absent or JSON null. */
    public JsonNode get(String name) {
        int i = name.hashCode() & mask;
        String n;
        while ((n = names[i]) != null) {
            if (n == name || n.equals(name)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The object as parsed (for a dead letter's payload, or the declared extra fields). */
    public JsonNode node() {
        return node;
    }

    @Override
    public String toString() {
        return String.valueOf(node);
    }
}
