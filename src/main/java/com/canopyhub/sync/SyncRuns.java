package com.canopyhub.sync;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.source.UpstreamAuthException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a sync pass and of each entity's run in it: cuts the window from the cursor, records the run in
 * {@code hub.sync_runs}, logs progress, and moves the cursor only once every page has reached the sinks.
 */
public class SyncRuns {

    private static final Logger LOG = LoggerFactory.getLogger(SyncRuns.class);

    private final DataSource dataSource;
    private final CursorStore cursors;
    private final Map<String, SourcePolicy> policies;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final SecretRedactor redactor;
    private final long progressIntervalNanos;
    /** One pass per source at a time in this JVM (a scheduled firing and `sync --once` must not interleave). */
    private final ConcurrentMap<String, SyncPass> running = new ConcurrentHashMap<>();

    public SyncRuns(DataSource dataSource, CursorStore cursors, Map<String, SourcePolicy> policies, Clock clock,
                    BooleanSupplier stopRequested, SecretRedactor redactor, Duration progressInterval) {
        this.dataSource = dataSource;
        this.cursors = cursors;
        this.policies = Map.copyOf(policies);
        this.clock = clock;
        this.stopRequested = stopRequested;
        this.redactor = redactor;
        this.progressIntervalNanos = progressInterval.toNanos();
    }

    /** Starts a pass; its {@link SyncPass#entities()} is what the route splits over. */
    public SyncPass openPass(SyncRequest request) {
        SourcePolicy policy = policy(request.source());
        List<String> entities = request.entities() == null || request.entities().isEmpty()
                ? policy.entities() : request.entities();
        List<String> unknown = entities.stream().filter(e -> !policy.entities().contains(e)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Entities " + unknown + " are not configured for " + request.source()
                    + " (hub." + request.source() + ".entities=" + String.join(",", policy.entities()) + ")");
        }
        SyncPass pass = new SyncPass(request, entities);
        SyncPass other = running.putIfAbsent(request.source(), pass);
        if (other != null) {
            LOG.warn("Sync pass ({}, {}) not started: pass {} ({}) is still running", request.source(),
                    request.trigger(), other.id(), other.request().trigger());
            return new SyncPass(request, List.of());
        }
        LOG.info("Sync pass {} ({}, {}) starting: {}{}", pass.id(), request.source(), request.trigger(), entities,
                request.full() ? " [full]" : "");
        return pass;
    }

    /** Opens the run of one entity: reads its cursor and cuts the window. */
    public EntitySync begin(SyncPass pass, String entity) throws SQLException {
        SourcePolicy policy = policy(pass.request().source());
        SyncWindow window = window(policy, entity, pass.request().full());
        SyncStatus initial = pass.abortReason() != null || stopRequested.getAsBoolean() ? SyncStatus.SKIPPED : SyncStatus.RUNNING;
        long runId;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO hub.sync_runs (pass_id, source_system, entity, trigger, "
                     + "started_at, status, window_start, window_end, error) VALUES (?, ?, ?, ?, now(), ?, ?, ?, ?) RETURNING id")) {
            ps.setObject(1, pass.id());
            ps.setString(2, policy.sourceSystem());
            ps.setString(3, entity);
            ps.setString(4, pass.request().trigger());
            ps.setString(5, initial.name());
            ps.setObject(6, timestamp(window.start()));
            ps.setObject(7, timestamp(window.end()));
            ps.setString(8, initial == SyncStatus.SKIPPED ? skipReason(pass) : null);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                runId = rs.getLong(1);
            }
        }
        EntitySync sync = new EntitySync(pass, policy.sourceSystem(), entity, runId, window, policy.windowing(entity),
                stopRequested, initial);
        if (initial == SyncStatus.SKIPPED) {
            sync.finish(SyncStatus.SKIPPED, skipReason(pass));
        }
        pass.add(sync);
        return sync;
    }

    /** Called after each page reached the sinks: logs progress for long syncs. */
    public void pageDone(EntitySync sync) {
        if (sync.progressDue(progressIntervalNanos)) {
            LOG.info("{}/{}: {} records so far (page {}), {} changed, {} rec/s", sync.sourceSystem(), sync.entity(),
                    sync.fetched(), sync.pages(), sync.changed(),
                    String.format(Locale.ROOT, "%.0f", sync.fetched() / Math.max(sync.seconds(), 1e-3)));
        }
    }

    /** Ends a run whose loop finished: the cursor moves only if every page was read and taken. */
    public void complete(EntitySync sync) throws SQLException {
        if (sync.status() != SyncStatus.RUNNING) {
            return;
        }
        if (!sync.plan().complete()) {
            finish(sync, SyncStatus.INTERRUPTED, "hub stopping after page " + sync.pages() + "; the cursor did not move");
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (sync.window().end() != null) {
                cursors.advance(c, sync.sourceSystem(), sync.entity(), sync.window().end(), sync.runId());
            }
            updateRun(c, sync, SyncStatus.SUCCEEDED, null);
            c.commit();
        }
        sync.finish(SyncStatus.SUCCEEDED, null);
    }

    /** Ends a run that failed: the cursor stays, so the next run re-reads the same window. */
    public void fail(SyncPass pass, EntitySync sync, Throwable error) throws SQLException {
        String message = redactor.redact(error == null ? "unknown error" : describe(error));
        if (error instanceof UpstreamAuthException && pass != null) {
            pass.abort(message);
        }
        if (sync == null) {
            LOG.error("Sync pass failed before an entity run started: {}", message);
            return;
        }
        LOG.error("{}/{} failed: {}", sync.sourceSystem(), sync.entity(), message);
        finish(sync, SyncStatus.FAILED, message);
    }

    /** Closes a pass and logs its summary table. */
    public SyncReport closePass(SyncPass pass) {
        running.remove(pass.request().source(), pass);
        SyncReport report = pass.report();
        if ("cli".equals(report.trigger())) {
            // the command line prints the table itself
            LOG.info("Sync pass {} finished: {}", report.passId(), report.ok() ? "OK" : "FAILED");
        } else if (report.ok()) {
            LOG.info("\n{}", report.table());
        } else {
            LOG.warn("\n{}", report.table());
        }
        return report;
    }

    private void finish(EntitySync sync, SyncStatus status, String error) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            updateRun(c, sync, status, error);
        }
        sync.finish(status, error);
    }

    private static void updateRun(Connection c, EntitySync s, SyncStatus status, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE hub.sync_runs SET finished_at = now(), status = ?, pages = ?, "
                + "fetched = ?, changed = ?, written = ?, dead_lettered = ?, error = ? WHERE id = ?")) {
            ps.setString(1, status.name());
            ps.setLong(2, s.pages());
            ps.setLong(3, s.fetched());
            ps.setLong(4, s.changed());
            ps.setLong(5, s.written());
            ps.setLong(6, s.deadLettered());
            ps.setString(7, error);
            ps.setLong(8, s.runId());
            ps.executeUpdate();
        }
    }

    private SyncWindow window(SourcePolicy policy, String entity, boolean full) throws SQLException {
        if (policy.windowing(entity) == Windowing.SNAPSHOT) {
            return SyncWindow.EVERYTHING;
        }
        Instant end = clock.instant().minus(policy.safetyLag()).truncatedTo(ChronoUnit.MICROS);
        Instant start = full ? null
                : cursors.read(policy.sourceSystem(), entity).map(c -> c.minus(policy.overlap())).orElse(null);
        return new SyncWindow(start, end);
    }

    private SourcePolicy policy(String source) {
        SourcePolicy p = policies.get(source);
        if (p == null) {
            throw new IllegalArgumentException("Unknown or disabled source '" + source + "' (hub.sync.sources)");
        }
        return p;
    }

    private static String skipReason(SyncPass pass) {
        return pass.abortReason() != null ? "skipped: " + pass.abortReason() : "skipped: hub stopping";
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static OffsetDateTime timestamp(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
