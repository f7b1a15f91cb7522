package com.canopyhub.delivery.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook subscriptions in PostgreSQL: synced from config/webhooks.yaml at startup (so every node and the CLI
 * see the same ones), with their encrypted signing secrets. Reads for the dispatcher are cached for a second, so a
 * rotation or an `enable` made by the CLI (another process) reaches running nodes at once.
 */
public class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /** One subscription as the dispatcher needs it: where, and every secret that signs (newest first). */
    public record Active(String id, String url, List<String> secrets, int maxInFlight) {
        @Override
        public String toString() {
            return "Active[" + id + " " + url + "]"; // never the secrets
        }
    }

    private final DataSource dataSource;
    private final SigningSecrets secrets;
    private final int defaultMaxInFlight;
    private volatile Map<String, Active> cached = Map.of();
    private volatile long cachedAt;

    public Subscriptions(DataSource dataSource, SigningSecrets secrets, int defaultMaxInFlight) {
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.defaultMaxInFlight = defaultMaxInFlight;
    }

    /**
     * Makes the database match the file: subscriptions added or updated (origin config); ones no longer in the file
     * disabled (not deleted: their deliveries stay visible). A configured secret not seen before is added; the
     * previous configured ones then expire after {@code overlap}. A subscription without a secret gets a generated
     * one, handed to {@code shownOnce} (the only time it is shown).
     *
     * @param sandbox the built-in receiver's subscription, or null
     */
    public void sync(List<WebhookConfig.Subscription> configured, WebhookConfig.Subscription sandbox, Duration overlap,
                     Consumer<String> shownOnce) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<String> ids = new ArrayList<>();
                for (WebhookConfig.Subscription s : configured) {
                    upsert(c, s, "config");
                    ids.add(s.id());
                    if (s.secret() != null) {
                        adoptConfigured(c, s.id(), s.secret(), overlap);
                    } else if (!hasSecret(c, s.id())) {
                        String generated = SigningSecrets.generate();
                        store(c, s.id(), generated, "generated");
                        shownOnce.accept("webhook subscription '" + s.id() + "': generated signing secret " + generated
                                + " (shown once: give it to the receiver; `webhooks rotate-secret " + s.id() + "` makes a new one)");
                    }
                }
                if (sandbox != null) {
                    upsert(c, sandbox, "sandbox");
                    ids.add(sandbox.id());
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub.webhook_secrets WHERE subscription_id = ?")) {
                        ps.setString(1, sandbox.id());
                        ps.executeUpdate();
                    }
                    store(c, sandbox.id(), sandbox.secret(), "config");
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_subscriptions SET enabled = false, updated_at = now() "
                        + "WHERE enabled AND NOT (id = ANY(?))")) {
                    ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                    int gone = ps.executeUpdate();
                    if (gone > 0) {
                        LOG.info("{} webhook subscription(s) no longer configured: disabled", gone);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        cachedAt = 0;
    }

    private void upsert(Connection c, WebhookConfig.Subscription s, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hub.webhook_subscriptions (id, url, event_patterns, event_like, description, origin, enabled, max_in_flight)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET url = excluded.url, event_patterns = excluded.event_patterns,
                       event_like = excluded.event_like, description = excluded.description, origin = excluded.origin,
                       enabled = excluded.enabled, max_in_flight = excluded.max_in_flight, updated_at = now()
                 WHERE (hub.webhook_subscriptions.url, hub.webhook_subscriptions.event_patterns, hub.webhook_subscriptions.description,
                        hub.webhook_subscriptions.enabled, hub.webhook_subscriptions.max_in_flight, hub.webhook_subscriptions.origin)
                       IS DISTINCT FROM (excluded.url, excluded.event_patterns, excluded.description, excluded.enabled,
                        excluded.max_in_flight, excluded.origin)
                """)) {
            ps.setString(1, s.id());
            ps.setString(2, s.url());
            ps.setArray(3, c.createArrayOf("text", s.events().toArray()));
            ps.setArray(4, c.createArrayOf("text", s.events().stream().map(WebhookConfig::likePattern).toArray()));
            ps.setString(5, s.description());
            ps.setString(6, origin);
            ps.setBoolean(7, s.enabled());
            ps.setInt(8, s.maxInFlight() != null ? s.maxInFlight() : defaultMaxInFlight);
            ps.executeUpdate();
        }
    }

    /** A configured secret: kept if known; else added, and the earlier configured ones expire after the overlap. */
    private void adoptConfigured(Connection c, String id, String secret, Duration overlap) throws SQLException {
        String fp = SigningSecrets.fingerprint(secret);
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hub.webhook_secrets WHERE subscription_id = ? AND fingerprint = ?")) {
            ps.setString(1, id);
            ps.setString(2, fp);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return; // known (maybe rotated away since: then it stays expired)
                }
            }
        }
        expireOthers(c, id, overlap);
        store(c, id, secret, "config");
    }

    private static void expireOthers(Connection c, String id, Duration overlap) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.webhook_secrets SET expires_at = now() + ? * interval '1 second' "
                + "WHERE subscription_id = ? AND (expires_at IS NULL OR expires_at > now() + ? * interval '1 second')")) {
            ps.setLong(1, overlap.toSeconds());
            ps.setString(2, id);
            ps.setLong(3, overlap.toSeconds());
            ps.executeUpdate();
        }
    }

    private static boolean hasSecret(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hub.webhook_secrets WHERE subscription_id = ? "
                + "AND (expires_at IS NULL OR expires_at > now())")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void store(Connection c, String id, String secret, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub.webhook_secrets (subscription_id, encrypted, fingerprint, origin) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (subscription_id, fingerprint) DO UPDATE SET expires_at = NULL")) {
            ps.setString(1, id);
            ps.setBytes(2, secrets.encrypt(secret));
            ps.setString(3, SigningSecrets.fingerprint(secret));
            ps.setString(4, origin);
            ps.executeUpdate();
        }
    }

    /**
     * A new generated secret for {@code id}; the current ones keep signing for {@code overlap}. Returns the new secret
     * (to be shown once).
     */
    public String rotate(String id, Duration overlap) throws SQLException {
        String secret = SigningSecrets.generate();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (!exists(c, id)) {
                    throw new IllegalArgumentException("no webhook subscription '" + id + "'");
                }
                expireOthers(c, id, overlap);
                store(c, id, secret, "generated");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        cachedAt = 0;
        return secret;
    }

    static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hub.webhook_subscriptions WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Enabled subscriptions with their signing secrets (cached for a second). */
    public Map<String, Active> active() throws SQLException {
        long now = System.nanoTime();
        if (now - cachedAt < 1_000_000_000L && cachedAt != 0) {
            return cached;
        }
        Map<String, List<String>> keys = new HashMap<>();
        Map<String, Active> out = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.subscription_id, s.encrypted FROM hub.webhook_secrets s "
                    + "JOIN hub.webhook_subscriptions w ON w.id = s.subscription_id WHERE w.enabled AND w.disabled_at IS NULL "
                    + "AND (s.expires_at IS NULL OR s.expires_at > now()) ORDER BY s.id DESC");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    keys.computeIfAbsent(id, k -> new ArrayList<>()).add(secrets.decrypt(rs.getBytes(2), id));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, url, max_in_flight FROM hub.webhook_subscriptions "
                    + "WHERE enabled AND disabled_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    out.put(id, new Active(id, rs.getString(2), List.copyOf(keys.getOrDefault(id, List.of())), rs.getInt(3)));
                }
            }
        }
        cached = Map.copyOf(out);
        cachedAt = now;
        return cached;
    }

    /** Forget the cache (after a change made by this process). */
    public void changed() {
        cachedAt = 0;
    }

    /** Fails startup if a stored secret cannot be decrypted with this node's key (a misconfigured node). */
    public void checkKey() throws SQLException {
        active();
    }
}
