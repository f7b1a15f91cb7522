package com.canopyhub.delivery.marketplace;

import com.canopyhub.config.KeyHash;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A request budget shared by every node and route that uses one API key (TerraVault: 100 requests per minute per
 * key): requests are spaced by {@code 60 s / (limit x margin)} through one PostgreSQL row per key, so the nodes
 * together never put more than the limit into any sliding minute, and a backlog drains at the margin's share of it
 * (0.95: network jitter cannot push a minute over). A caller reserves the next free slot in one UPDATE (the row
 * lock orders concurrent callers, across nodes) and waits until its slot, so reservations pipeline: the pipe stays
 * full. The key is held only as its SHA-256.
 */
public final class SharedRateLimit {

    private static final String RESERVE = """
            UPDATE hub.rate_limits SET next_free = greatest(next_free, clock_timestamp()) + ? * interval '1 microsecond'
             WHERE key_hash = ?
            RETURNING extract(epoch FROM (next_free - ? * interval '1 microsecond') - clock_timestamp()) * 1000000,
                      extract(epoch FROM next_free) * 1000000
            """;

    private final DataSource dataSource;
    private final String keyHash;
    private final long spacingMicros;

    public SharedRateLimit(DataSource dataSource, String apiKey, int perMinute, double margin) throws SQLException {
        this(dataSource, apiKey, perMinute, Duration.ofMinutes(1), margin);
    }

    /** {@code limit} requests in any sliding {@code window} (TerraVault: 100 in a minute). */
    public SharedRateLimit(DataSource dataSource, String apiKey, int limit, Duration window, double margin) throws SQLException {
        if (limit < 1 || margin <= 0 || margin > 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("limit >= 1, window > 0 and 0 < margin <= 1");
        }
        this.dataSource = dataSource;
        this.keyHash = KeyHash.sha256Hex(apiKey);
        this.spacingMicros = (long) Math.ceil(window.toNanos() / 1000.0 / (limit * margin));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO hub.rate_limits (key_hash, next_free) VALUES (?, clock_timestamp()) "
                     + "ON CONFLICT (key_hash) DO NOTHING")) {
            ps.setString(1, keyHash);
            ps.executeUpdate();
        }
    }

    /** The time between two requests of this key, from any node. */
    public Duration spacing() {
        return Duration.ofNanos(spacingMicros * 1000);
    }

    /** A reserved slot: when it is (database time, Unix microseconds) and how long the caller waited for it. */
    public record Slot(long atMicros, Duration waited) {
    }

    /**
     * The marketplace said 429 anyway (another client on the key, a smaller limit than configured): no request of
     * this key, from any node, goes before {@code wait} has passed.
     */
    public void pause(Duration wait) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub.rate_limits SET next_free = greatest(next_free, clock_timestamp() + ? * interval '1 millisecond') WHERE key_hash = ?")) {
            ps.setLong(1, wait.toMillis());
            ps.setString(2, keyHash);
            ps.executeUpdate();
        }
    }

    /** Reserves the next slot of this key and waits for it. */
    public Slot acquire() throws SQLException, InterruptedException {
        long waitMicros;
        long slot;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(RESERVE)) {
            ps.setLong(1, spacingMicros);
            ps.setString(2, keyHash);
            ps.setLong(3, spacingMicros);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("hub.rate_limits has no row for this key");
                }
                waitMicros = (long) rs.getDouble(1);
                slot = (long) rs.getDouble(2) - spacingMicros;
            }
        }
        if (waitMicros > 0) {
            Thread.sleep(waitMicros / 1000, (int) (waitMicros % 1000) * 1000); // waiting for the reserved slot
        }
        return new Slot(slot, Duration.ofNanos(Math.max(0, waitMicros) * 1000));
    }
}
