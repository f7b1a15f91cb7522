package com.canopyhub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import com.canopyhub.db.BinaryCopyIn.Type;
import java.util.function.Function;

/** One typed column of a reporting table (its PostgreSQL type, for binary COPY) and how to read its value from a record. */
record Column<T>(String name, Type type, Function<T, Object> value) {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    static <T> Column<T> text(String name, Function<T, String> f) {
        return new Column<>(name, Type.TEXT, f::apply);
    }

    static <T> Column<T> numeric(String name, Function<T, BigDecimal> f) {
        return new Column<>(name, Type.NUMERIC, f::apply);
    }

    static <T> Column<T> bool(String name, Function<T, Boolean> f) {
        return new Column<>(name, Type.BOOL, f::apply);
    }

    static <T> Column<T> integer(String name, Function<T, Integer> f) {
        return new Column<>(name, Type.INT4, f::apply);
    }

    static <T> Column<T> timestamp(String name, Function<T, Instant> f) {
        return new Column<>(name, Type.TIMESTAMPTZ, f::apply);
    }

    /** A date and time without an offset (a facility's local time). */
    static <T> Column<T> localTimestamp(String name, Function<T, java.time.LocalDateTime> f) {
        return new Column<>(name, Type.TIMESTAMP, f::apply);
    }

    static <T> Column<T> date(String name, Function<T, java.time.LocalDate> f) {
        return new Column<>(name, Type.DATE, f::apply);
    }

    static <T> Column<T> uuid(String name, Function<T, UUID> f) {
        return new Column<>(name, Type.UUID, f::apply);
    }

    /** The same column read from another row type. */
    <S> Column<S> from(Function<S, T> row) {
        return new Column<>(name, type, s -> value.apply(row.apply(s)));
    }

    /** A JSON document column; null values are stored as {@code fallback} (e.g. "[]"), or SQL NULL if that is null. */
    static <T> Column<T> jsonb(String name, Function<T, Object> f, String fallback) {
        return new Column<>(name, Type.JSONB, r -> {
            Object v = f.apply(r);
            if (v == null) {
                return fallback;
            }
            try {
                return JSON.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise " + name, e);
            }
        });
    }

}
