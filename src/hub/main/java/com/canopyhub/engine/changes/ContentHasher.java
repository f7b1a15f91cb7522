package com.canopyhub.engine.changes;

import com.canopyhub.canonical.CanonicalRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a canonical record's content, serialised with sorted keys so the same content always gives the
 * same hash on every node and JVM. Equal hashes mean "nothing to send"; that is what keeps a no-op sync free.
 */
public final class ContentHasher {

    private static final ObjectMapper CANONICAL_JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private ContentHasher() {
    }

    /** A record's canonical JSON and its hash, computed once (the outbox reuses the JSON as the event's record). */
    public record Hashed(String json, String hash) {
    }

    public static Hashed hashed(Object record) {
        try {
            byte[] json = CANONICAL_JSON.writeValueAsBytes(record);
            return new Hashed(new String(json, java.nio.charset.StandardCharsets.UTF_8), HexFormat.of().formatHex(SHA_256.get().digest(json)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot hash " + record.getClass().getSimpleName(), e);
        }
    }

    public static String hash(Object record) {
        try {
            return HexFormat.of().formatHex(SHA_256.get().digest(CANONICAL_JSON.writeValueAsBytes(record)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot hash " + record.getClass().getSimpleName(), e);
        }
    }

    /** The same canonical JSON the hash is taken of, as text (e.g. the payload of a record's dead letter). */
    public static String json(Object record) {
        try {
            return CANONICAL_JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + record.getClass().getSimpleName(), e);
        }
    }

    public static String hash(CanonicalRecord record) {
        return hash((Object) record);
    }
}
