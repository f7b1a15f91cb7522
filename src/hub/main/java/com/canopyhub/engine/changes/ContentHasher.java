package com.canopyhub.engine.changes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import com.canopyhub.db.BigEndianBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The content hash of a canonical record: equal hashes mean "nothing to send", which is what keeps a no-op sync
 * free; it must be the same for the same content on every node and JVM, and differ for any change.
 *
 * <p><b>Version 2</b> (stored as {@code v2:} and 64 hex digits): SHA-256 over a binary walk of the record's fields,
 * no JSON. Each record's components are visited by name (so reordering them in the source changes nothing), each name
 * and value written with a type tag, strings and collections with their length, a null as a tag of its own; maps by
 * sorted key, JSON values (mapping attributes) as their tree; strings as UTF-8. A component the JSON leaves out when null or empty
 * ({@code @JsonInclude}) is left out of the hash the same way, so adding such a component keeps old hashes.
 *
 * <p><b>Version 1</b> (a bare 64-digit hash, what rows written before version 2 hold): SHA-256 of the record's
 * canonical JSON with sorted keys. It is never written again; a record stored under it is compared by version 1
 * ({@link #unchanged}) until it changes, and a record whose content did not change writes nothing, whatever its
 * hash's version.
 */
public final class ContentHasher {

    /** The prefix of a version-2 hash. */
    public static final String V2 = "v2:";

    private static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // accessors called through generated lambdas instead of reflection (the same JSON, made faster)
            .addModule(new com.fasterxml.jackson.module.blackbird.BlackbirdModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final ThreadLocal<Walk> WALK = ThreadLocal.withInitial(Walk::new);
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private ContentHasher() {
    }

    /** The record's version-2 hash. */
    public static String hash(Object record) {
        Walk w = WALK.get();
        w.reset();
        w.value(record);
        return V2 + HexFormat.of().formatHex(w.digest());
    }

    /** True when {@code stored} (a hash of either version, or null) is the hash of this record's content. */
    public static boolean unchanged(Object record, String hash, String stored) {
        if (stored == null) {
            return false;
        }
        if (stored.startsWith(V2)) {
            return stored.equals(hash);
        }
        return stored.equals(legacyHash(record));
    }

    /** Version 1: SHA-256 of the canonical JSON (kept to compare the rows written under it). */
    static String legacyHash(Object record) {
        try {
            return HexFormat.of().formatHex(sha256().digest(CANONICAL_JSON.writeValueAsBytes(record)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot hash " + record.getClass().getSimpleName(), e);
        }
    }

    /** The record's canonical JSON (sorted keys): the {@code record} of its events, the payload of its dead letter. */
    public static String json(Object record) {
        try {
            return CANONICAL_JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + record.getClass().getSimpleName(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record type's components in name order, with whether each is left out when null or empty. */
    private record Shape(byte[] typeName, Field[] fields) {
        static Shape of(Class<?> recordType) {
            Field[] fields = Arrays.stream(recordType.getRecordComponents()).map(Field::of).sorted(Comparator.comparing(Field::name)).toArray(Field[]::new);
            return new Shape(recordType.getSimpleName().getBytes(StandardCharsets.UTF_8), fields);
        }
    }

    private record Field(String name, byte[] nameBytes, Method accessor, JsonInclude.Include include) {
        static Field of(RecordComponent c) {
            Method accessor = c.getAccessor();
            accessor.setAccessible(true);
            JsonInclude inc = accessor.getAnnotation(JsonInclude.class);
            return new Field(c.getName(), c.getName().getBytes(StandardCharsets.UTF_8), accessor, inc == null ? null : inc.value());
        }

        Object read(Object record) {
            try {
                return accessor.invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + name + " of " + record.getClass().getSimpleName(), e);
            }
        }

        boolean leftOut(Object value) {
            if (include == JsonInclude.Include.NON_NULL) {
                return value == null;
            }
            if (include == JsonInclude.Include.NON_EMPTY) {
                return value == null || (value instanceof Map<?, ?> m && m.isEmpty())
                        || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof String s && s.isEmpty());
            }
            return false;
        }
    }

    /** One thread's encoding buffer and digest, reused record after record. */
    private static final class Walk {
        private final MessageDigest sha = sha256();
        private final BigEndianBytes out = new BigEndianBytes(8192);

        void reset() {
            out.clear();
        }

        byte[] digest() {
            sha.update(out.array(), 0, out.length());
            return sha.digest();
        }

        private void tag(char t) {
            out.int8(t);
        }

        /** Bytes with their length before them. */
        private void bytes(byte[] b) {
            out.int32(b.length);
            out.bytes(b);
        }

        /** A string as its UTF-8 bytes and their length (UTF-8: the JDK's fastest encoding, lossless, the same everywhere). */
        private void chars(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void value(Object v) {
            if (v == null) {
                tag('0');
            } else if (v instanceof String s) {
                tag('s');
                chars(s);
            } else if (v instanceof BigDecimal d) {
                // its canonical text (unscaled value and scale: 5.0 and 5.00 differ, as the upstream's text did);
                // BigDecimal keeps that text, which the row's COPY and the event's JSON use again
                tag('d');
                chars(d.toString());
            } else if (v instanceof Instant t) {
                tag('t');
                out.int64(t.getEpochSecond());
                out.int32(t.getNano());
            } else if (v instanceof Boolean b) {
                tag(b ? 'T' : 'F');
            } else if (v instanceof Integer i) {
                tag('i');
                out.int64(i);
            } else if (v instanceof Long l) {
                tag('i');
                out.int64(l);
            } else if (v instanceof UUID u) {
                tag('u');
                out.int64(u.getMostSignificantBits());
                out.int64(u.getLeastSignificantBits());
            } else if (v instanceof Enum<?> e) {
                tag('e');
                chars(e.name());
            } else if (v instanceof LocalDate d) {
                tag('D');
                out.int64(d.toEpochDay());
            } else if (v instanceof LocalDateTime t) {
                tag('W');
                out.int64(t.toLocalDate().toEpochDay());
                out.int64(t.toLocalTime().toNanoOfDay());
            } else if (v instanceof JsonNode j) {
                json(j);
            } else if (v instanceof Map<?, ?> m) {
                map(m);
            } else if (v instanceof Collection<?> c) {
                tag('[');
                out.int32(c.size());
                for (Object e : c) {
                    value(e);
                }
            } else if (v.getClass().isRecord()) {
                record(v);
            } else {
                // a type the model does not use today: its class and text, so it still hashes by content
                tag('?');
                chars(v.getClass().getName());
                chars(v.toString());
            }
        }

        private void record(Object r) {
            Shape shape = SHAPES.get(r.getClass());
            tag('r');
            bytes(shape.typeName());
            for (Field f : shape.fields()) {
                Object value = f.read(r);
                if (f.leftOut(value)) {
                    continue;
                }
                tag('f');
                bytes(f.nameBytes());
                value(value);
            }
            tag(')');
        }

        private void map(Map<?, ?> m) {
            tag('m');
            out.int32(m.size());
            Map<?, ?> sorted = m instanceof SortedMap<?, ?> || m.size() <= 1 ? m : new TreeMap<>(m);
            for (Map.Entry<?, ?> e : sorted.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
        }

        private void json(JsonNode j) {
            switch (j.getNodeType()) {
                case OBJECT -> {
                    tag('{');
                    out.int32(j.size());
                    for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        chars(e.getKey());
                        json(e.getValue());
                    }
                }
                case ARRAY -> {
                    tag('[');
                    out.int32(j.size());
                    for (JsonNode e : j) {
                        json(e);
                    }
                }
                case STRING -> {
                    tag('s');
                    chars(j.textValue());
                }
                case NUMBER -> {
                    tag('n');
                    chars(j.asText());
                }
                case BOOLEAN -> tag(j.booleanValue() ? 'T' : 'F');
                case NULL, MISSING -> tag('0');
                default -> {
                    tag('?');
                    chars(j.toString());
                }
            }
        }
    }
}
