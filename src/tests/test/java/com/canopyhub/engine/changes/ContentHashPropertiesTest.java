package com.canopyhub.engine.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.canonical.CanonicalRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the content hash (version 2), over every type of the canonical model and records generated at random
 * (seeded: a failure names its seed): equal records hash equal, whatever their maps' order; changing any one field of
 * a record, top-level or nested, changes its hash; and a row stored under version 1 is still recognised as unchanged.
 */
class ContentHashPropertiesTest {

    private static final int TRIALS = 30;

    static Stream<Class<?>> canonicalTypes() {
        return Arrays.stream(CanonicalRecord.class.getPermittedSubclasses());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalTypes")
    void equal_records_hash_equal_and_any_single_field_change_changes_the_hash(Class<?> type) throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) {
            long seed = type.getName().hashCode() * 1_000L + trial;
            Object a = generate(type, new SplittableRandom(seed), 0, false);
            Object b = generate(type, new SplittableRandom(seed), 0, true); // same content, maps filled in another order
            assertThat(b).as("seed %d", seed).isEqualTo(a).isNotSameAs(a);
            String hash = ContentHasher.hash(a);
            assertThat(hash).as("seed %d", seed).startsWith(ContentHasher.V2).hasSize(67).isEqualTo(ContentHasher.hash(b));
            for (List<Integer> path : fieldPaths(type, a)) {
                Object changed = changeAt(a, path, new SplittableRandom(seed * 31 + path.hashCode()));
                assertThat(changed).as("seed %d, field %s", seed, describe(type, path)).isNotEqualTo(a);
                assertThat(ContentHasher.hash(changed)).as("seed %d, field %s changed", seed, describe(type, path)).isNotEqualTo(hash);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalTypes")
    void a_row_stored_under_version_1_is_compared_by_version_1(Class<?> type) throws Exception {
        for (int trial = 0; trial < 10; trial++) {
            long seed = 7_000L + trial;
            Object a = generate(type, new SplittableRandom(seed), 0, false);
            String v1 = ContentHasher.legacyHash(a);
            assertThat(v1).hasSize(64);
            assertThat(ContentHasher.unchanged(a, ContentHasher.hash(a), v1)).as("same content, older hash version").isTrue();
            Object changed = changeAt(a, List.of(1), new SplittableRandom(seed)); // its provenance
            assertThat(ContentHasher.unchanged(changed, ContentHasher.hash(changed), v1)).isFalse();
            assertThat(ContentHasher.unchanged(a, ContentHasher.hash(a), null)).as("nothing stored").isFalse();
        }
    }

    // --- generating records --------------------------------------------------------------------------------------

    private static Object generate(Type type, SplittableRandom r, int depth, boolean otherOrder) throws Exception {
        Class<?> raw = raw(type);
        if (raw.isRecord()) {
            RecordComponent[] cs = raw.getRecordComponents();
            for (int attempt = 0; ; attempt++) {
                Object[] args = new Object[cs.length];
                for (int i = 0; i < cs.length; i++) {
                    args[i] = component(cs[i], r, depth, otherOrder);
                }
                try {
                    return construct(raw, args);
                } catch (java.lang.reflect.InvocationTargetException invalid) {
                    // the record refuses this combination (e.g. a provenance without a source id): draw again
                    if (attempt == 200) {
                        throw invalid;
                    }
                }
            }
        }
        return leaf(type, r, depth, otherOrder);
    }

    private static Object component(RecordComponent c, SplittableRandom r, int depth, boolean otherOrder) throws Exception {
        Class<?> raw = c.getType();
        boolean collection = List.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw);
        // references are null now and then (explicit nulls); collections never are (the model's convention)
        if (!raw.isPrimitive() && !collection && r.nextInt(5) == 0) {
            return null;
        }
        return generate(c.getGenericType(), r, depth + 1, otherOrder);
    }

    private static Object leaf(Type type, SplittableRandom r, int depth, boolean otherOrder) throws Exception {
        Class<?> raw = raw(type);
        if (raw == String.class) {
            return text(r);
        } else if (raw == BigDecimal.class) {
            BigInteger unscaled = r.nextInt(4) == 0 ? new BigInteger(80, new java.util.Random(r.nextLong())) : BigInteger.valueOf(r.nextLong(-1_000_000_000L, 1_000_000_000L));
            return new BigDecimal(unscaled, r.nextInt(0, 10));
        } else if (raw == Instant.class) {
            return Instant.ofEpochSecond(r.nextLong(0, 4_000_000_000L), r.nextInt(0, 1_000_000_000));
        } else if (raw == LocalDate.class) {
            return LocalDate.ofEpochDay(r.nextLong(0, 40_000));
        } else if (raw == LocalDateTime.class) {
            return LocalDateTime.of(LocalDate.ofEpochDay(r.nextLong(0, 40_000)), java.time.LocalTime.ofNanoOfDay(r.nextLong(0, 86_400_000_000_000L)));
        } else if (raw == UUID.class) {
            return new UUID(r.nextLong(), r.nextLong());
        } else if (raw == boolean.class || raw == Boolean.class) {
            return r.nextBoolean();
        } else if (raw == int.class || raw == Integer.class) {
            return r.nextInt(-1000, 1000);
        } else if (raw == long.class || raw == Long.class) {
            return r.nextLong();
        } else if (raw.isEnum()) {
            Object[] values = raw.getEnumConstants();
            return values[r.nextInt(values.length)];
        } else if (raw == JsonNode.class) {
            return json(r, depth);
        } else if (List.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> list = new ArrayList<>();
            for (int i = 0, n = r.nextInt(0, 4); i < n; i++) {
                list.add(generate(element, r, depth + 1, otherOrder));
            }
            return List.copyOf(list);
        } else if (Map.class.isAssignableFrom(raw)) {
            Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> entries = new LinkedHashMap<>();
            for (int i = 0, n = r.nextInt(0, 4); i < n; i++) {
                entries.put("k" + r.nextInt(100), generate(valueType, r, depth + 1, otherOrder));
            }
            Map<String, Object> out = otherOrder ? new HashMap<>() : new LinkedHashMap<>();
            List<String> keys = new ArrayList<>(entries.keySet());
            if (otherOrder) {
                java.util.Collections.reverse(keys);
            }
            keys.forEach(k -> out.put(k, entries.get(k)));
            return out;
        }
        throw new IllegalStateException("no generator for " + type);
    }

    private static String text(SplittableRandom r) {
        int n = r.nextInt(0, 8);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x80, 0x3000) : r.nextInt('a', 'z' + 1)));
        }
        return sb.toString();
    }

    private static JsonNode json(SplittableRandom r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (depth > 4 ? r.nextInt(3) : r.nextInt(5)) {
            case 0 -> f.textNode(text(r));
            case 1 -> f.numberNode(new BigDecimal(BigInteger.valueOf(r.nextLong(-100_000, 100_000)), r.nextInt(0, 4)));
            case 2 -> f.booleanNode(r.nextBoolean());
            case 3 -> {
                ObjectNode o = f.objectNode();
                for (int i = 0, n = r.nextInt(0, 3); i < n; i++) {
                    o.set("f" + i, json(r, depth + 1));
                }
                yield o;
            }
            default -> f.arrayNode().add(json(r, depth + 1)).add(json(r, depth + 1));
        };
    }

    // --- changing one field ----------------------------------------------------------------------------------------

    /** Paths to every field of a record: [i] a component, [i, j] a component of a nested record (non-null). */
    private static List<List<Integer>> fieldPaths(Class<?> type, Object record) throws Exception {
        List<List<Integer>> paths = new ArrayList<>();
        RecordComponent[] cs = type.getRecordComponents();
        for (int i = 0; i < cs.length; i++) {
            paths.add(List.of(i));
            Object v = cs[i].getAccessor().invoke(record);
            if (v != null && v.getClass().isRecord()) {
                for (int j = 0; j < v.getClass().getRecordComponents().length; j++) {
                    paths.add(List.of(i, j));
                }
            }
        }
        return paths;
    }

    private static Object changeAt(Object record, List<Integer> path, SplittableRandom r) throws Exception {
        RecordComponent[] cs = record.getClass().getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = cs[i].getAccessor().invoke(record);
        }
        int i = path.get(0);
        Object old = args[i];
        for (int attempt = 0; ; attempt++) {
            if (path.size() == 1) {
                Object fresh = component(cs[i], r, 1, false);
                if (Objects.equals(fresh, old) || bothNothing(cs[i], fresh, old)) {
                    continue;
                }
                args[i] = fresh;
            } else {
                args[i] = changeAt(old, path.subList(1, path.size()), r);
            }
            try {
                return construct(record.getClass(), args);
            } catch (java.lang.reflect.InvocationTargetException invalid) {
                if (attempt >= 200) {
                    throw invalid; // no valid record differs in this field only
                }
            }
        }
    }

    /** Null and empty are the same "nothing" for a component left out when empty (@JsonInclude NON_EMPTY). */
    private static boolean bothNothing(RecordComponent c, Object a, Object b) {
        com.fasterxml.jackson.annotation.JsonInclude inc = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonInclude.class);
        if (inc == null || inc.value() != com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY) {
            return false;
        }
        return empty(a) && empty(b);
    }

    private static boolean empty(Object v) {
        return v == null || (v instanceof Map<?, ?> m && m.isEmpty()) || (v instanceof java.util.Collection<?> c && c.isEmpty())
                || (v instanceof String s && s.isEmpty());
    }

    private static String describe(Class<?> type, List<Integer> path) {
        StringBuilder sb = new StringBuilder(type.getSimpleName());
        Class<?> t = type;
        for (int i : path) {
            RecordComponent c = t.getRecordComponents()[i];
            sb.append('.').append(c.getName());
            t = c.getType();
        }
        return sb.toString();
    }

    private static Object construct(Class<?> type, Object[] args) throws Exception {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Constructor<?> ctor = type.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        return ctor.newInstance(args);
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }
}
