package com.canopyhub.engine.run;

import com.canopyhub.config.SecretRedactor;
import com.canopyhub.db.DatabaseErrors;
import com.canopyhub.source.UpstreamException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.SyncWindow;
import com.canopyhub.engine.spi.Windowing;

/**
 * The life of a sync pass and of each stream's run in it: takes the stream's lock (one writer per stream
 * across hub processes), closes runs a dead process left RUNNING, cuts the window from the cursor, records the
 * run in {@code hub.sync_runs}, logs progress, and moves the cursor only once every page has reached the sinks.
 */
public class SyncRuns {

    private static final Logger LOG = LoggerFactory.getLogger(SyncRuns.class);
    /**
     * One structured line per finished run ({@code key=value}, one event per line) for log shippers and
     * line-oriented consumers; the human summary table stays on the console.
     */
    private static final Logger RUN_LOG = LoggerFactory.getLogger("canopyhub.runs");
    private static final String ABANDONED = "abandoned: the hub process that ran it stopped without finishing it "
            + "(killed, or cut off from the database); closed by ";

    private final DataSource dataSource;
    private final CursorStore cursors;
    private final StreamLocks locks;
    private final Map<String, Source> sources;
    private final Clock clock;
    private final BooleanSupplier stopRequested;
    private final SecretRedactor redactor;
    private final DatabaseErrors databaseErrors;
    private final long progressIntervalNanos;
    private final String host;
    private final PassSchedule schedule;
    private final long pid = ProcessHandle.current().pid();
    /** One pass per source at a time in this JVM (a scheduled firing and `sync --once` must not interleave). */
    private final ConcurrentMap<String, SyncPass> running = new ConcurrentHashMap<>();

    public SyncRuns(DataSource dataSource, CursorStore cursors, StreamLocks locks, Map<String, Source> sources,
                    Clock clock, BooleanSupplier stopRequested, SecretRedactor redactor, DatabaseErrors databaseErrors,
                    Duration progressInterval, String host, PassSchedule schedule) {
        this.dataSource = dataSource;
        this.cursors = cursors;
        this.locks = locks;
        this.sources = Map.copyOf(sources);
        this.clock = clock;
        this.stopRequested = stopRequested;
        this.redactor = redactor;
        this.databaseErrors = databaseErrors;
        this.progressIntervalNanos = progressInterval.toNanos();
        this.host = host;
        this.schedule = schedule;
    }

    /**
     * Starts a pass with a PENDING run per requested stream of every partition; the pass route splits over
     * {@link SyncPass#partitions()} (in parallel) and {@link SyncPass#runsOf(String)} (in order). Asking the source
     * for its partitions may call the upstream (Metrc: its licences); if that fails, the pass fails.
     */
    public SyncPass openPass(SyncRequest request) {
        Source source = source(request.source());
        List<String> requested = request.streams() == null ? List.of() : request.streams();
        List<String> unknown = requested.stream().filter(e -> !source.allStreams().contains(e)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Streams " + unknown + " are not configured for " + request.source()
                    + " (known: " + String.join(", ", source.allStreams()) + ")");
        }
        SyncPass other = running.get(request.source());
        if (other != null) {
            return skippedPass(request, source, other);
        }
        Map<String, List<String>> streams = new LinkedHashMap<>();
        List<String> partitions;
        try {
            partitions = source.partitions();
        } catch (UpstreamException e) {
            return unreachablePass(request, source, requested, e);
        }
        if (request.replay() != null) {
            // a replay writes one partition's dead letters again
            partitions = partitions.contains(request.replay().partition()) ? List.of(request.replay().partition()) : List.of();
        }
        for (String partition : partitions) {
            List<String> own = source.streams(partition).stream().map(Stream::name)
                    .filter(s -> requested.isEmpty() || requested.contains(s)).toList();
            if (!own.isEmpty()) {
                streams.put(partition, own);
            }
        }
        SyncPass pass = new SyncPass(request, source.name(), streams, stopRequested);
        other = running.putIfAbsent(request.source(), pass);
        if (other != null) {
            return skippedPass(request, source, other);
        }
        LOG.info("Sync pass {} ({}, {}) starting: {}{}{}", pass.id(), request.source(), request.trigger(), pass.streams(),
                streams.size() > 1 ? " for " + streams.size() + " partitions" : "", request.full() ? " [full]" : "");
        return pass;
    }

    /**
     * The source could not even say what to sync (its partitions: Metrc's facilities call answered 401, or nothing
     * answered): the pass reports its first stream FAILED with the reason and the rest SKIPPED, recorded like any
     * other runs, instead of throwing at the caller.
     */
    private SyncPass unreachablePass(SyncRequest request, Source source, List<String> requested, UpstreamException e) {
        String message = redactor.redact(describe(e));
        LOG.error("Sync pass ({}, {}) cannot start: {}", request.source(), request.trigger(), message);
        Map<String, List<String>> streams = new LinkedHashMap<>();
        List<String> names = source.streams(StreamKey.NO_PARTITION).stream().map(Stream::name)
                .filter(s -> requested.isEmpty() || requested.contains(s)).toList();
        streams.put(StreamKey.NO_PARTITION, names.isEmpty() ? requested : names);
        SyncPass pass = new SyncPass(request, source.name(), streams, stopRequested);
        List<StreamRun> runs = pass.runs();
        if (!runs.isEmpty()) {
            finish(runs.get(0), SyncStatus.FAILED, message);
        }
        pass.abort("skipped: " + message);
        return pass;
    }

    /** Whether a pass of any source is running in this process (delivery then yields the CPU to it). */
    public boolean anyPassRunning() {
        return !running.isEmpty();
    }

    /** A firing or `sync --once` that finds a pass of the source running in this process: every stream SKIPPED. */
    private SyncPass skippedPass(SyncRequest request, Source source, SyncPass other) {
        String reason = "skipped: pass " + other.id() + " (" + other.request().trigger() + ") of this source is still "
                + "running in this process";
        LOG.warn("Sync pass ({}, {}) not started: {}", request.source(), request.trigger(), reason);
        Map<String, List<String>> streams = new LinkedHashMap<>();
        List<String> requested = request.streams() == null || request.streams().isEmpty()
                ? source.streams(StreamKey.NO_PARTITION).stream().map(Stream::name).toList() : request.streams();
        streams.put(StreamKey.NO_PARTITION, requested);
        SyncPass skipped = new SyncPass(request, source.name(), streams, stopRequested);
        skipped.abort(reason);
        return skipped;
    }

    /** The runs of one partition of a pass, in dependency order (the pass route splits over them). */
    public List<StreamRun> runsOf(SyncPass pass, String partition) {
        return pass.runsOf(partition);
    }

    /**
     * Starts a run: takes its stream's lock (or steps aside, SKIPPED, when another hub process holds it), closes
     * the stream's runs a dead process left RUNNING, cuts the window from the cursor into slices and records the run.
     */
    public void begin(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        if (sync.status() != SyncStatus.PENDING) {
            return; // already decided (e.g. FAILED because the pass could not start)
        }
        SyncPass pass = sync.pass();
        String abort = pass.abortReason(sync.partition());
        if (abort != null || stopRequested.getAsBoolean()) {
            skip(sync, abort != null ? abort : SyncPass.STOPPING);
            return;
        }
        Source source = source(pass.request().source());
        Optional<StreamLocks.Lease> lease = locks.tryAcquire(sync.sourceSystem(), sync.stream(), sync.partition());
        if (lease.isEmpty()) {
            String reason = sync.sourceSystem() + "/" + sync.label() + " is being synced by another hub process ("
                    + locks.holder(sync.sourceSystem(), sync.stream(), sync.partition()) + ")";
            LOG.warn("{}; skipped here", reason);
            skip(sync, "skipped: " + reason);
            return;
        }
        try {
            String unavailable = unavailable(sync);
            if (unavailable != null) {
                lease.get().close();
                sync.finish(SyncStatus.UNAVAILABLE, unavailable);
                insertRun(sync, SyncStatus.UNAVAILABLE, null, unavailable);
                return;
            }
            abandonRunning(sync.sourceSystem(), sync.stream(), sync.partition(), "the next run of the stream");
            Stream stream = source.stream(sync.stream());
            Windowing windowing = stream.windowing();
            SyncRequest request = pass.request();
            boolean replay = request.replay() != null;
            SyncWindow window = replay ? SyncWindow.EVERYTHING
                    : window(source, sync.stream(), sync.partition(), request.full(), request.since());
            boolean initialLoad = !succeededBefore(sync);
            long runId = insertRun(sync, SyncStatus.RUNNING, window, null);
            // a replay or a backfill is bounded: it proves nothing about what is absent upstream
            boolean bounded = replay || request.since() != null;
            sync.start(runId, window, replay ? List.of(window) : Slices.cut(window, windowing, source.maxSlice()), windowing,
                    lease.get(), initialLoad && !replay,
                    // absences mean something after a snapshot, or a --full pass of an open-ended stream (read from
                    // its beginning); not after a first pass, which has nothing stored to miss
                    !bounded && (windowing == Windowing.SNAPSHOT
                            || (windowing == Windowing.OPEN_END && request.full() && window.start() == null))
                            && stream.goneState() != null,
                    !replay && windowing == Windowing.OPEN_END && !stream.listedInCreationOrder(),
                    replay ? null : stream.snapshotKey());
            if (replay) {
                sync.replay(replayRecords(sync, request.replay().deadLetters()));
            }
        } catch (SQLException | RuntimeException e) {
            lease.get().close();
            throw e;
        }
    }

    /**
     * Called after each page reached the sinks: logs progress for long syncs, and when the page finished a slice
     * that is not the run's last, moves the cursor to that slice's end in the transaction that records the run's
     * progress, so a long backfill resumes at the last finished slice.
     */
    public void pageDone(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        if (sync.sliceFinishedWithMoreToCome()) {
            sync.drainWrites(); // the slice's pages committed before its cursor moves
            if (!sync.lease().alive()) {
                throw new IllegalStateException("lost the lock of " + sync.sourceSystem() + "/" + sync.label()
                        + " (its database session ended); the cursor stays at the last finished slice");
            }
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                cursors.advance(c, sync.sourceSystem(), sync.stream(), sync.partition(), sync.slice().end(), sync.runId(),
                        source(sync.pass().request().source()).upstream());
                updateRun(c, sync, SyncStatus.RUNNING, null);
                c.commit();
            }
            sync.nextSlice();
        }
        if (sync.progressDue(progressIntervalNanos)) {
            LOG.info("{}/{}: {} records so far ({} pages), {} changed, {} rec/s", sync.sourceSystem(), sync.label(),
                    sync.fetched(), sync.pages(), sync.changed(),
                    String.format(Locale.ROOT, "%.0f", sync.fetched() / Math.max(sync.seconds(), 1e-3)));
        }
    }

    /** Ends a run whose loop finished: the cursor moves only if every page was read and taken. */
    public void complete(@org.apache.camel.ExchangeProperty(StreamRun.PROPERTY) StreamRun sync) throws SQLException {
        sync.drainWrites(); // every page committed before the cursor moves; a failed write fails the run here
        if (sync.status() != SyncStatus.RUNNING) {
            return;
        }
        if (!sync.allSlicesRead()) {
            finish(sync, SyncStatus.INTERRUPTED, "hub stopping after " + sync.pages() + " pages; the cursor stays at the "
                    + "last finished slice");
            return;
        }
        if (!sync.lease().alive()) {
            // PostgreSQL released the lock with its session: another process may be syncing the stream now
            finish(sync, SyncStatus.FAILED, "lost the lock of " + sync.sourceSystem() + "/" + sync.label()
                    + " (its database session ended); the cursor did not move");
            return;
        }
        Source source = source(sync.pass().request().source());
        String held = sync.cursorHeld();
        String unproven = sync.plan().unproven();
        SyncStatus outcome = unproven != null ? SyncStatus.INCOMPLETE : SyncStatus.SUCCEEDED;
        if (held != null) {
            LOG.info("{}/{}: every page read, but {}; the cursor stays, the next pass reads the window again", sync.sourceSystem(),
                    sync.label(), held);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            if (sync.pass().request().replay() != null) {
                // the replayed dead letters that did not fail again in this run are resolved (a failure again bumped
                // their last_failed_at past the run's start)
                try (PreparedStatement ps = c.prepareStatement("WITH run AS (SELECT started_at FROM hub.sync_runs WHERE id = ?) "
                        + "UPDATE hub.dead_letters SET resolved_at = coalesce(resolved_at, now()), resolution = 'replayed' FROM run "
                        + "WHERE id = ANY(?) AND (resolved_at IS NULL OR resolved_at >= run.started_at) AND last_failed_at < run.started_at")) {
                    ps.setLong(1, sync.runId());
                    ps.setArray(2, c.createArrayOf("bigint", sync.pass().request().replay().deadLetters().toArray()));
                    ps.executeUpdate();
                }
            }
            if (sync.window().end() != null && held == null) {
                cursors.advance(c, sync.sourceSystem(), sync.stream(), sync.partition(), sync.window().end(), sync.runId(),
                        source.upstream());
            }
            updateRun(c, sync, outcome, held != null ? "cursor kept: " + held : unproven != null ? "not proven complete: " + unproven
                    + " (records written; nothing marked deleted)" : null);
            if (source.accessPerStream()) {
                // a stream refused earlier answers again: no longer unavailable
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub.stream_unavailable WHERE source_system = ? "
                        + "AND stream = ? AND partition = ?")) {
                    ps.setString(1, sync.sourceSystem());
                    ps.setString(2, sync.stream());
                    ps.setString(3, sync.partition());
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        sync.finish(outcome, unproven == null ? null : "not proven complete: " + unproven);
        sync.releaseLock();
    }

    /** Ends a run that failed: the cursor stays, so the next run re-reads the same window. */
    public void fail(SyncPass pass, StreamRun sync, Throwable error) {
        String message = redactor.redact(error == null ? "unknown error" : describe(error));
        if (pass != null && error != null && DatabaseErrors.unreachable(error) && pass.databaseDown() == null) {
            // the database is gone: the rest of the pass is skipped at once, not a connect timeout per stream
            pass.databaseDown(message);
        }
        if (error instanceof com.canopyhub.source.UpstreamAuthException refused && sync != null && pass != null
                && (sync.status() == SyncStatus.RUNNING || sync.status() == SyncStatus.PENDING)
                && source(pass.request().source()).accessPerStream()) {
            markUnavailable(sync, refused.status(), message);
            return;
        }
        if (error instanceof UpstreamException upstream && pass != null) {
            if (upstream.endsThePass()) {
                pass.abort("skipped: " + message);
            } else if (upstream.endsThePartition() && sync != null) {
                pass.abort(sync.partition(), "skipped: " + message);
            }
        }
        if (sync == null) {
            LOG.error("Sync pass failed before an entity run started: {}", message);
            return;
        }
        if (sync.status() != SyncStatus.PENDING && sync.status() != SyncStatus.RUNNING) {
            // e.g. bookkeeping after a run that already succeeded (its cursor moved): the outcome stands
            LOG.warn("{}/{} ({}): {}", sync.sourceSystem(), sync.label(), sync.status(), message);
            return;
        }
        if (stopRequested.getAsBoolean() && !(error instanceof UpstreamException upstream && upstream.endsThePass())) {
            // the hub is stopping and gave up retrying this page: an interruption, resumed by the next pass
            LOG.warn("{}/{} interrupted while retrying: {}", sync.sourceSystem(), sync.label(), message);
            finish(sync, SyncStatus.INTERRUPTED, "hub stopping after " + sync.pages() + " pages, while retrying ("
                    + message + "); the cursor did not move");
            return;
        }
        LOG.error("{}/{} failed: {}", sync.sourceSystem(), sync.label(), message);
        finish(sync, SyncStatus.FAILED, message);
    }

    /** How long a stream the upstream refused is left alone before it is asked again. */
    static final Duration UNAVAILABLE_RETRY = Duration.ofDays(1);

    /**
     * The upstream refused this stream of this partition while the source grants access per stream: only this
     * stream stops, recorded (with its reason) until it is asked again a day later; the partition's other streams go on.
     */
    private void markUnavailable(StreamRun sync, int status, String message) {
        Instant retry = clock.instant().plus(UNAVAILABLE_RETRY);
        String reason = "unavailable: HTTP " + status + ", " + message + "; asked again after " + retry.truncatedTo(ChronoUnit.SECONDS);
        LOG.warn("{}/{}: the upstream refuses this stream (HTTP {}); the partition's other streams go on, this one is asked "
                + "again after {}: {}", sync.sourceSystem(), sync.label(), status, retry.truncatedTo(ChronoUnit.SECONDS), message);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO hub.stream_unavailable (source_system, stream, partition, http_status, reason, retry_at, since) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_system, stream, partition) DO UPDATE SET "
                        + "http_status = EXCLUDED.http_status, reason = EXCLUDED.reason, retry_at = EXCLUDED.retry_at")) {
            ps.setString(1, sync.sourceSystem());
            ps.setString(2, sync.stream());
            ps.setString(3, sync.partition());
            ps.setInt(4, status);
            ps.setString(5, message);
            ps.setObject(6, timestamp(retry));
            ps.setObject(7, timestamp(clock.instant())); // the hub's clock, like retry_at (kept from the first refusal)
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("{}/{}: could not record that the stream is unavailable ({}); it is asked again next pass",
                    sync.sourceSystem(), sync.label(), describe(e));
        }
        finish(sync, SyncStatus.UNAVAILABLE, reason);
    }

    /** Why the stream is not asked this pass (refused earlier, its retry time not reached), or null. */
    private String unavailable(StreamRun sync) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT http_status, reason, since, retry_at FROM hub.stream_unavailable WHERE source_system = ? AND stream = ? "
                        + "AND partition = ? AND retry_at > ?")) {
            ps.setString(1, sync.sourceSystem());
            ps.setString(2, sync.stream());
            ps.setString(3, sync.partition());
            ps.setObject(4, timestamp(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return "unavailable since " + rs.getObject(3, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.SECONDS)
                        + " (HTTP " + rs.getInt(1) + ", " + rs.getString(2) + "); asked again after "
                        + rs.getObject(4, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.SECONDS);
            }
        }
    }

    /** Told of every closed pass (metrics, alerts): called on the pass's thread, must not throw. */
    private final List<java.util.function.Consumer<SyncReport>> passObservers = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void onPassClosed(java.util.function.Consumer<SyncReport> observer) {
        passObservers.add(observer);
    }

    /** Closes a pass: no run is left PENDING or RUNNING, every lock is given back; logs the summary table. */
    public SyncReport closePass(SyncPass pass) {
        for (StreamRun run : pass.runs()) {
            if (run.status() == SyncStatus.PENDING) {
                finish(run, SyncStatus.FAILED, "did not run: the pass ended before it");
            } else if (run.status() == SyncStatus.RUNNING) {
                finish(run, SyncStatus.FAILED, "did not finish: the pass ended before it");
            }
            run.releaseLock();
        }
        running.remove(pass.request().source(), pass);
        SyncReport report = pass.report();
        for (StreamResult r : report.results()) {
            RUN_LOG.info("sync_run source={} stream={} partition={} status={} run_id={} pass_id={} trigger={} fetched={} "
                            + "changed={} written={} dead_lettered={} seconds={}", r.sourceSystem(), r.stream(),
                    r.partition().isEmpty() ? "-" : r.partition(), r.status(),
                    r.runId() > 0 ? r.runId() : "-", report.passId(), report.trigger(), r.fetched(), r.changed(), r.written(),
                    r.deadLettered(), String.format(Locale.ROOT, "%.3f", r.seconds()));
        }
        if ("cli".equals(report.trigger())) {
            // the command line prints the table itself
            LOG.info("Sync pass {} finished: {}", report.passId(), report.outcome());
        } else if (report.ok()) {
            LOG.info("\n{}", report.table());
        } else {
            LOG.warn("\n{}", report.table());
        }
        if (SyncRequest.SCHEDULE.equals(report.trigger())) {
            schedule.next(report.source()).ifPresent(next -> LOG.info("Next {} pass at {}", report.source(), next));
        }
        for (var observer : passObservers) {
            try {
                observer.accept(report);
            } catch (RuntimeException e) {
                LOG.warn("Sync pass {}: an observer failed ({}); the pass itself is unaffected", report.passId(), e.toString());
            }
        }
        return report;
    }

    /**
     * Closes runs that processes which died (kill -9, a lost database) left RUNNING: for each stream with such a
     * run whose lock no live session holds. Called at startup; {@link #begin} does the same for its own stream.
     */
    public int abandonOrphans() throws SQLException {
        List<String[]> streams = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT source_system, stream, partition FROM hub.sync_runs WHERE status = 'RUNNING'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                streams.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        int closed = 0;
        for (String[] s : streams) {
            Optional<StreamLocks.Lease> lease = locks.tryAcquire(s[0], s[1], s[2]);
            if (lease.isPresent()) {
                try (StreamLocks.Lease held = lease.get()) {
                    closed += abandonRunning(s[0], s[1], s[2], "startup");
                }
            }
        }
        return closed;
    }

    /** Marks the stream's RUNNING runs ABANDONED; the caller holds the stream's lock, so none of them is alive. */
    private int abandonRunning(String sourceSystem, String stream, String partition, String noticedBy) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hub.sync_runs SET status = 'ABANDONED', finished_at = now(), error = ? "
                        + "WHERE source_system = ? AND stream = ? AND partition = ? AND status = 'RUNNING'")) {
            ps.setString(1, ABANDONED + noticedBy + " (pid " + pid + ", host " + host + ")");
            ps.setString(2, sourceSystem);
            ps.setString(3, stream);
            ps.setString(4, partition);
            int n = ps.executeUpdate();
            if (n > 0) {
                LOG.warn("{}/{}: {} run(s) left RUNNING by a process that is gone are now ABANDONED", sourceSystem,
                        StreamKey.label(stream, partition), n);
            }
            return n;
        }
    }

    private void skip(StreamRun sync, String reason) {
        sync.finish(SyncStatus.SKIPPED, reason);
        if (sync.pass().databaseDown() != null) {
            return; // nothing to record it in
        }
        try {
            insertRun(sync, SyncStatus.SKIPPED, null, reason);
        } catch (SQLException e) {
            LOG.warn("{}/{}: could not record the skipped run: {}", sync.sourceSystem(), sync.label(), describe(e));
        }
    }

    /**
     * Sets the outcome in memory first (the summary must be right even if the database is gone), then records it;
     * a run whose row cannot be updated stays RUNNING there until a later process marks it ABANDONED.
     */
    private void finish(StreamRun sync, SyncStatus status, String error) {
        sync.finish(status, error);
        if (sync.pass().databaseDown() != null) {
            // the database is down: the run stays RUNNING there until a later process marks it ABANDONED
            sync.releaseLock();
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            if (sync.runId() > 0) {
                updateRun(c, sync, status, error);
            } else {
                insertRun(sync, status, sync.window(), error);
            }
        } catch (SQLException e) {
            LOG.warn("{}/{}: could not record its {} run in hub.sync_runs ({}); a later run will mark it ABANDONED",
                    sync.sourceSystem(), sync.label(), status, describe(e));
        } finally {
            sync.releaseLock();
        }
    }

    private long insertRun(StreamRun sync, SyncStatus status, SyncWindow window, String error) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO hub.sync_runs (pass_id, source_system, stream, partition, "
                     + "trigger, started_at, finished_at, status, window_start, window_end, error, host, pid, scheduled_for) "
                     + "VALUES (?, ?, ?, ?, ?, now(), CASE WHEN ? THEN NULL ELSE now() END, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            ps.setObject(1, sync.pass().id());
            ps.setString(2, sync.sourceSystem());
            ps.setString(3, sync.stream());
            ps.setString(4, sync.partition());
            ps.setString(5, sync.pass().request().trigger());
            ps.setBoolean(6, status == SyncStatus.RUNNING);
            ps.setString(7, status.name());
            ps.setObject(8, window == null ? null : timestamp(window.start()));
            ps.setObject(9, window == null ? null : timestamp(window.end()));
            ps.setString(10, error);
            ps.setString(11, host);
            ps.setLong(12, pid);
            ps.setObject(13, timestamp(sync.pass().request().scheduledFor()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void updateRun(Connection c, StreamRun s, SyncStatus status, String error) throws SQLException {
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

    /** Whether a run of the stream (and partition) ever succeeded: if not, this run is its initial load. */
    private boolean succeededBefore(StreamRun sync) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM hub.sync_runs WHERE source_system = ? AND stream = ? "
                     + "AND partition = ? AND status = 'SUCCEEDED' LIMIT 1")) {
            ps.setString(1, sync.sourceSystem());
            ps.setString(2, sync.stream());
            ps.setString(3, sync.partition());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The run's window: from the cursor minus the overlap (or the source's start date, or the beginning) to now
     * minus the safety lag; a snapshot stream has none.
     */
    private SyncWindow window(Source source, String stream, String partition, boolean full, Instant since) throws SQLException {
        if (source.stream(stream).windowing() == Windowing.SNAPSHOT) {
            return SyncWindow.EVERYTHING;
        }
        Instant end = clock.instant().minus(source.safetyLag()).truncatedTo(ChronoUnit.MICROS);
        if (since != null) {
            // a backfill: from the date asked, not before the source's own start; the cursor only ever moves forwards
            Instant startDate = source.startDate();
            return new SyncWindow(startDate != null && startDate.isAfter(since) ? startDate : since, end);
        }
        Instant start = full ? null
                : cursors.read(source.name(), stream, partition, source.upstream()).map(c -> c.minus(source.overlap())).orElse(null);
        if (start == null) {
            start = source.startDate();
        }
        return new SyncWindow(start, end);
    }

    /** The stored payloads of a replay's dead letters that belong to this run's stream and partition, still open. */
    private List<com.fasterxml.jackson.databind.JsonNode> replayRecords(StreamRun sync, List<Long> ids) throws SQLException {
        List<com.fasterxml.jackson.databind.JsonNode> records = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, payload FROM hub.dead_letters "
                + "WHERE id = ANY(?) AND source_system = ? AND stream = ? AND partition = ? AND resolved_at IS NULL "
                + "AND payload IS NOT NULL AND reason LIKE 'unmappable record:%' ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            ps.setString(2, sync.sourceSystem());
            ps.setString(3, sync.stream());
            ps.setString(4, sync.partition());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        records.add(REPLAY_JSON.readTree(rs.getString(2)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        // stored as it arrived, and it did not parse then either: it stays a dead letter
                        LOG.warn("{}/{}: dead letter {} holds no JSON record; not replayed", sync.sourceSystem(), sync.label(), rs.getLong(1));
                    }
                }
            }
        }
        return records;
    }

    /** As the sources read upstream JSON. */
    private static final com.fasterxml.jackson.databind.ObjectMapper REPLAY_JSON = com.canopyhub.source.Upstreams.json();

    private Source source(String name) {
        Source s = sources.get(name);
        if (s == null) {
            throw new IllegalArgumentException("Unknown or disabled source '" + name + "' (hub.sync.sources)");
        }
        return s;
    }

    private String describe(Throwable t) {
        String database = databaseErrors.explain(t);
        if (database != null) {
            return database;
        }
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
