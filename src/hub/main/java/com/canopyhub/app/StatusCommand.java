package com.canopyhub.app;

import com.canopyhub.db.HubDatabase;
import com.canopyhub.engine.spi.StreamKey;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: what the hub has synced, read from its database: per (source, stream) the cursor, the last run
 * and the open dead letters; rows per reporting table; and how to connect with psql. Only reads: no migrations,
 * no runs closed, no sync. {@code --hold} keeps the embedded database up until Ctrl-C so it can be browsed.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what was synced: cursors, last runs, open dead letters, reporting row counts, and psql "
                + "connection details (--hold keeps the embedded database up until Ctrl-C).")
public class StatusCommand implements Callable<Integer> {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT);

    @CommandLine.Mixin
    CanopyHub.Common common = new CanopyHub.Common();

    @Option(names = "--hold", description = "Keep the (embedded) database running after printing, until Ctrl-C or SIGTERM.")
    boolean hold;

    @Override
    public Integer call() throws Exception {
        HubRuntime hub = common.startToLook();
        try {
            HubDatabase db = hub.bean("hubDatabase", HubDatabase.class);
            try (Connection c = db.dataSource().getConnection()) {
                print(c, db, System.out);
            }
            if (hold) {
                System.out.println("Holding the database open; Ctrl-C to stop.");
                hub.awaitShutdown();
            }
            return 0;
        } finally {
            hub.close();
        }
    }

    static void print(Connection c, HubDatabase db, PrintStream out) throws SQLException {
        out.println("Reporting database: " + db.description());
        out.println("  psql " + db.psqlTarget());
        if (!exists(c, "hub.sync_runs")) {
            out.println("No sync has run against this database yet (its schema is not created).");
            return;
        }
        List<String> pending = db.pendingMigrations();
        if (!pending.isEmpty()) {
            out.println("The schema is older than this hub (" + pending.size() + " pending migration(s): "
                    + String.join(", ", pending) + "); `run` or `sync` applies them, then status can read it.");
            return;
        }
        out.println();
        String sql = "WITH streams AS (SELECT source_system, stream, partition FROM hub.sync_runs "
                + "  UNION SELECT source_system, stream, partition FROM hub.sync_cursors), "
                + "last_run AS (SELECT DISTINCT ON (source_system, stream, partition) source_system, stream, partition, "
                + "  status, finished_at, fetched, changed FROM hub.sync_runs ORDER BY source_system, stream, partition, id DESC) "
                + "SELECT s.source_system, s.stream, s.partition, c.window_end, r.status, r.finished_at, r.fetched, r.changed, "
                + "  (SELECT count(*) FROM hub.dead_letters d WHERE d.source_system = s.source_system "
                + "     AND d.stream = s.stream AND d.partition = s.partition AND d.resolved_at IS NULL) AS open_dead_letters "
                + "FROM streams s LEFT JOIN hub.sync_cursors c USING (source_system, stream, partition) "
                + "LEFT JOIN last_run r USING (source_system, stream, partition) ORDER BY 1, 3, 2";
        List<Object[]> rows = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Object[] {rs.getString(1), StreamKey.label(rs.getString(2), rs.getString(3)),
                        when(rs.getObject(4, OffsetDateTime.class)), rs.getString(5) == null ? "-" : rs.getString(5),
                        when(rs.getObject(6, OffsetDateTime.class)), rs.getObject(7) == null ? "-" : rs.getLong(7),
                        rs.getObject(8) == null ? "-" : rs.getLong(8), rs.getLong(9)});
            }
        }
        int width = Math.max(10, rows.stream().mapToInt(r -> ((String) r[1]).length()).max().orElse(10));
        String fmt = "%-8s %-" + width + "s %-21s %-12s %-21s %9s %9s %12s%n";
        out.printf(Locale.ROOT, fmt, "source", "stream", "cursor", "last run", "finished", "fetched", "changed", "dead letters");
        for (Object[] r : rows) {
            out.printf(Locale.ROOT, fmt, r);
        }
        printUnavailable(c, out);
        printDelivery(c, out);
        out.println();
        out.printf(Locale.ROOT, "%-28s %9s%n", "reporting table", "rows");
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'reporting' AND table_type = 'BASE TABLE' ORDER BY table_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String table = rs.getString(1);
                try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM reporting.\"" + table.replace("\"", "\"\"") + "\"");
                     ResultSet n = count.executeQuery()) {
                    n.next();
                    out.printf(Locale.ROOT, "%-28s %9d%n", "reporting." + table, n.getLong(1));
                }
            }
        }
    }

    /** Streams the upstream refuses (401/403) for one partition while it answers the others: not asked until retry_at. */
    private static void printUnavailable(Connection c, PrintStream out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT source_system, stream, partition, http_status, since, retry_at, reason "
                + "FROM hub.stream_unavailable ORDER BY 1, 3, 2"); ResultSet rs = ps.executeQuery()) {
            boolean first = true;
            while (rs.next()) {
                if (first) {
                    out.println();
                    out.println("Unavailable streams (the upstream refuses them; the partition's other streams sync):");
                    first = false;
                }
                out.printf(Locale.ROOT, "  %s/%s: HTTP %d since %s, asked again after %s: %s%n", rs.getString(1),
                        StreamKey.label(rs.getString(2), rs.getString(3)), rs.getInt(4), when(rs.getObject(5, OffsetDateTime.class)),
                        when(rs.getObject(6, OffsetDateTime.class)), rs.getString(7));
            }
        }
    }

    /** What the outbox's readers have still to do: webhooks, marketplaces, the Kafka feed. */
    private static void printDelivery(Connection c, PrintStream out) throws SQLException {
        out.println();
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE status IN ('PENDING', 'SENDING', 'WAITING')), "
                + "count(*) FILTER (WHERE status = 'DEAD') FROM hub.webhook_deliveries"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            out.printf(Locale.ROOT, "Webhooks: %d deliveries open, %d dead (`webhooks list`)%n", rs.getLong(1), rs.getLong(2));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT l.sink, count(*) FILTER (WHERE l.remote_id IS NOT NULL), "
                + "count(*) FILTER (WHERE l.dirty), count(*) FILTER (WHERE l.attempts > 0), "
                + "(SELECT count(*) FROM hub.dead_letters d WHERE d.stream = 'sink:' || l.sink AND d.resolved_at IS NULL), "
                + "(SELECT stopped_reason FROM hub.marketplace_sinks s WHERE s.sink = l.sink AND s.stopped_at IS NOT NULL), "
                + "bool_or(l.remote_state ->> 'stock_check' = 'ignored') "
                + "FROM hub.marketplace_listings l GROUP BY l.sink ORDER BY l.sink"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.printf(Locale.ROOT, "Marketplace %s: %d listed, %d due, %d failing, %d dead-lettered%s%s%n", rs.getString(1),
                        rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6) == null ? "" : ", STOPPED: " + rs.getString(6),
                        rs.getBoolean(7) ? "; it ignores stock_quantity (read back after a stock change): stock follows attach/detach only" : "");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM hub.kafka_feed), "
                + "(SELECT count(*) FROM hub.outbox o WHERE " + com.canopyhub.events.OutboxReader.KAFKA.unread("o") + ")");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
                out.printf(Locale.ROOT, "Kafka feed: %d events not yet published%n", rs.getLong(2));
            }
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String when(OffsetDateTime t) {
        return t == null ? "-" : t.withOffsetSameInstant(ZoneOffset.UTC).format(WHEN);
    }
}
