package com.canopyhub.config;

import static com.canopyhub.config.HubSettings.bool;
import static com.canopyhub.config.HubSettings.duration;
import static com.canopyhub.config.HubSettings.longBetween;
import static com.canopyhub.config.HubSettings.nonBlank;
import static com.canopyhub.config.HubSettings.oneOf;
import static com.canopyhub.config.HubSettings.optionalJdbcUrl;
import static com.canopyhub.config.HubSettings.secret;
import static com.canopyhub.config.HubSettings.setting;
import static com.canopyhub.config.HubSettings.unknownOf;

import java.util.List;
import java.util.Optional;

/**
 * The hub's own settings (sync, schedules, routes, outbox, retention, retries, reporting database, HTTP), each a
 * constant with its default, description and validation (Debezium's {@code Field} style); the modules declare theirs
 * next to them ({@link SettingsGroup}). Read them typed: {@code settings.getInt(CoreSettings.HTTP_PORT)}.
 */
public final class CoreSettings {

    // sync
    public static final Setting SYNC_SOURCES = setting("hub.sync.sources", "", "Comma-separated sources the hub syncs. Empty: every source whose base URL is set (hub.<source>.base-url), or, when none is, every source on its built-in sandbox. Known: " + String.join(", ", HubSettings.KNOWN_SOURCES) + ".",
            v -> v.isBlank() ? Optional.empty() : unknownOf(v, HubSettings.KNOWN_SOURCES, "source"));

    public static final Setting SCHEDULE_ENABLED = setting("hub.schedule.enabled", "true", "Whether `run` starts the scheduled syncs (false: only `sync --once` syncs).",
            HubSettings::bool);

    public static final Setting SCHEDULE_STORE = setting("hub.schedule.store", "memory", "Where Quartz keeps the schedules: memory (one node) or jdbc (the hub's PostgreSQL, clustered: several nodes share the schedules, each sync fires on exactly one of them, a surviving node takes over a dead node's).",
            oneOf("memory", "jdbc"));

    public static final Setting SCHEDULE_CLUSTER_CHECKIN_INTERVAL_MS = setting("hub.schedule.cluster-checkin-interval-ms", "5000", "With the jdbc store: how often a node checks in; a node silent for about this long is taken to be dead and its schedules move on.",
            v -> longBetween(v, 500, 600_000));

    public static final Setting ROUTES_RELOAD = setting("hub.routes.reload", "false", "Reload a route file of hub.routes.directory when it is saved (the dev profile turns it on). A file that refers to an unknown bean, or fails to load, is rejected with one error and the previous routes keep running.",
            HubSettings::bool);

    public static final Setting ROUTES_DIRECTORY = setting("hub.routes.directory", "routes", "Folder whose *.camel.yaml files hub.routes.reload watches (the routes themselves are loaded from camel.main.routes-include-pattern).",
            HubSettings::nonBlank);

    public static final Setting SYNC_PARALLEL_PARTITIONS = setting("hub.sync.parallel-partitions", "4", "How many partitions of one source (Metrc: licences) sync at once; their requests still share the source's rate limits.",
            v -> longBetween(v, 1, 64));

    public static final Setting SYNC_WRITE_BEHIND_PAGES = setting("hub.sync.write-behind-pages", "1", "Pages of a run that may wait for their database transaction while the run reads, maps and compares the next one (the hub's work and PostgreSQL's overlap; pages still commit one at a time, in order, and the cursor moves only after all did). 0 writes each page before the next is read.",
            v -> longBetween(v, 0, 2));

    public static final Setting SYNC_PROGRESS_INTERVAL_SECONDS = setting("hub.sync.progress-interval-seconds", "10", "How often a long sync logs its progress (records so far, rate).",
            v -> longBetween(v, 1, 3600));

    public static final Setting OUTBOX_ENABLED = setting("hub.outbox.enabled", "true", "Write the events of every change into hub.outbox, in the transaction that writes the change (docs/events.md); delivery reads them from there.",
            HubSettings::bool);

    public static final Setting EVENTS_FILE = setting("hub.events.file", "config/events.yaml", "The derived events' rules: low_stock thresholds (inventory.low_stock) and document_expiring days (document.expiring); docs/events.md. A missing file means no low-stock thresholds and documents announced 30 days ahead (or, for this release, the same sections of config/webhooks.yaml, with a warning).",
            HubSettings::nonBlank);

    public static final Setting OUTBOX_SKIP_INITIAL_LOAD = setting("hub.outbox.skip-initial-load", "false", "Write no events for a stream's initial load (its first pass, before it has a cursor): subscribers then start from the changes after it instead of a *.created for every record.",
            HubSettings::bool);

    // retention
    public static final Setting RETENTION_ENABLED = setting("hub.retention.enabled", "true", "Purge what the hub no longer needs, in small batches on a schedule (docs/deployment.md, Retention): finished webhook deliveries, outbox events every reader has taken (each record's latest event is always kept), finished marketplace requests, the change log, old runs.",
            HubSettings::bool);

    public static final Setting RETENTION_INTERVAL = setting("hub.retention.interval", "1h", "How often retention runs (its first round a minute after start).", HubSettings::duration);

    public static final Setting RETENTION_BATCH_SIZE = setting("hub.retention.batch-size", "500", "Rows deleted per transaction: small, so a sync writing meanwhile never waits long.",
            v -> longBetween(v, 10, 100_000));

    public static final Setting RETENTION_OUTBOX = setting("hub.retention.outbox", "30d", "Keep outbox events this long once every reader that is on has taken them and no webhook delivery refers to them; the latest event of each record is kept regardless (feed republish).",
            HubSettings::duration);

    public static final Setting RETENTION_WEBHOOK_DELIVERIES = setting("hub.retention.webhook-deliveries", "30d", "Keep delivered and dead webhook deliveries (and their attempts) this long; open ones are never purged. A dead delivery can be replayed until then.",
            HubSettings::duration);

    public static final Setting RETENTION_MARKETPLACE_REQUESTS = setting("hub.retention.marketplace-requests", "30d", "Keep finished marketplace requests (hub.marketplace_requests) this long.",
            HubSettings::duration);

    public static final Setting RETENTION_RECORD_CHANGES = setting("hub.retention.record-changes", "90d", "Keep the change log (hub.record_changes) this long.", HubSettings::duration);

    public static final Setting RETENTION_SYNC_RUNS = setting("hub.retention.sync-runs", "90d", "Keep finished runs this long once a later run of the same stream succeeded (the last run and the last success always stay).",
            HubSettings::duration);

    public static final Setting OUTBOX_DOCUMENT_CHECK_INTERVAL_MS = setting("hub.outbox.document-check-interval-ms", "3600000", "How often the hub looks for lab results (COAs) that moved inside a document_expiring threshold (hub.events.file) and emits document.expiring.",
            v -> longBetween(v, 1000, 86_400_000));

    public static final Setting MAPPINGS_DIRECTORY = setting("hub.mappings.directory", "config/mappings", "Folder of the extra-field mapping files (SOURCE-STREAM.yaml: JSON pointer -> attribute name; see docs/extending.md). A missing folder means no extra fields.",
            HubSettings::nonBlank);

    // retries
    public static final Setting RETRY_MAX_REDELIVERIES = setting("hub.retry.max-redeliveries", "6", "Retries of a failed upstream call (429, 5xx, timeout) before the entity's run fails.",
            v -> longBetween(v, 0, 100));

    public static final Setting RETRY_INITIAL_DELAY_MS = setting("hub.retry.initial-delay-ms", "500", "First retry delay; doubles each attempt.", v -> longBetween(v, 0, 600_000));

    public static final Setting RETRY_MAX_DELAY_MS = setting("hub.retry.max-delay-ms", "60000", "Upper bound of one retry delay, including a server's Retry-After.", v -> longBetween(v, 0, 3_600_000));

    public static final Setting RETRY_MAX_RETRY_AFTER_SECONDS = setting("hub.retry.max-retry-after-seconds", "300", "A Retry-After longer than this fails the run at once instead of blocking; the next scheduled sync resumes.",
            v -> longBetween(v, 0, 86_400));

    // reporting database
    public static final Setting REPORTING_JDBC_URL = setting("hub.reporting.jdbc-url", "", "PostgreSQL JDBC URL of the reporting database. Empty: start an embedded PostgreSQL with its data under hub.embedded.data-dir.",
            HubSettings::optionalJdbcUrl);

    public static final Setting REPORTING_USERNAME = setting("hub.reporting.username", "", "Database user (with hub.reporting.jdbc-url).", HubSettings::any);

    public static final Setting REPORTING_PASSWORD = secret("hub.reporting.password", "", "Database password (with hub.reporting.jdbc-url).");

    public static final Setting REPORTING_POOL_SIZE = setting("hub.reporting.pool-size", "4", "Maximum connections in the hub's pool (each running stream also holds one lock connection outside it).", v -> longBetween(v, 1, 100));

    public static final Setting REPORTING_CONNECT_TIMEOUT_SECONDS = setting("hub.reporting.connect-timeout-seconds", "10", "How long to wait for a connection to the reporting database to open.",
            v -> longBetween(v, 1, 600));

    public static final Setting REPORTING_STATEMENT_TIMEOUT_SECONDS = setting("hub.reporting.statement-timeout-seconds", "120", "PostgreSQL statement_timeout: a statement (e.g. the COPY of one page) still running after this is cancelled and its run fails.",
            v -> longBetween(v, 1, 86_400));

    public static final Setting REPORTING_SOCKET_TIMEOUT_SECONDS = setting("hub.reporting.socket-timeout-seconds", "180", "A reporting database that sends nothing for this long (frozen, network cut) fails the run instead of stalling the hub. Must exceed the statement timeout.",
            v -> longBetween(v, 1, 86_400));

    public static final Setting EMBEDDED_DATA_DIR = setting("hub.embedded.data-dir", "data/postgres", "Data directory of the embedded PostgreSQL; kept across restarts.", HubSettings::nonBlank);

    public static final Setting EMBEDDED_PORT = setting("hub.embedded.port", "0", "Port of the embedded PostgreSQL; 0 picks a free one.", v -> longBetween(v, 0, 65535));

    public static final Setting HTTP_ENABLED = setting("hub.http.enabled", "true", "The hub's own HTTP server (camel-platform-http): inbound marketplace webhooks (POST /webhooks/terravault).",
            HubSettings::bool);

    public static final Setting HTTP_PORT = setting("hub.http.port", "8080", "Port of the hub's HTTP server (only `run` listens on it; sync --once, status, check-config, bench and the other verbs do not, so they run beside a hub that does; a taken port fails `run` at startup). Two hubs on one machine need two ports; 0 picks a free one.", v -> longBetween(v, 0, 65535));

    public static final Setting HTTP_MAX_BODY_BYTES = setting("hub.http.max-body-bytes", "1048576", "Largest request body the hub's HTTP server takes (TerraVault's order events are a few kB). A larger one is refused with 413 by its Content-Length, or as soon as a chunked body passes the limit: never read whole into memory.",
            v -> longBetween(v, 1024, 104_857_600));


    /** The hub's own settings (sync, routes, retries, reporting database); each source module adds its own group. */
    static final List<Setting> SETTINGS = List.of(
            SYNC_SOURCES,
            SCHEDULE_ENABLED,
            SCHEDULE_STORE,
            SCHEDULE_CLUSTER_CHECKIN_INTERVAL_MS,
            ROUTES_RELOAD,
            ROUTES_DIRECTORY,
            SYNC_PARALLEL_PARTITIONS,
            SYNC_WRITE_BEHIND_PAGES, SYNC_PROGRESS_INTERVAL_SECONDS,
            OUTBOX_ENABLED,
            OUTBOX_SKIP_INITIAL_LOAD,
            EVENTS_FILE,
            RETENTION_ENABLED,
            RETENTION_INTERVAL,
            RETENTION_BATCH_SIZE,
            RETENTION_OUTBOX,
            RETENTION_WEBHOOK_DELIVERIES,
            RETENTION_MARKETPLACE_REQUESTS,
            RETENTION_RECORD_CHANGES,
            RETENTION_SYNC_RUNS,
            OUTBOX_DOCUMENT_CHECK_INTERVAL_MS,
            MAPPINGS_DIRECTORY,
            RETRY_MAX_REDELIVERIES,
            RETRY_INITIAL_DELAY_MS,
            RETRY_MAX_DELAY_MS,
            RETRY_MAX_RETRY_AFTER_SECONDS,
            REPORTING_JDBC_URL,
            REPORTING_USERNAME,
            REPORTING_PASSWORD,
            REPORTING_POOL_SIZE,
            REPORTING_CONNECT_TIMEOUT_SECONDS,
            REPORTING_STATEMENT_TIMEOUT_SECONDS,
            REPORTING_SOCKET_TIMEOUT_SECONDS,
            EMBEDDED_DATA_DIR,
            EMBEDDED_PORT,
            HTTP_ENABLED,
            HTTP_PORT,
            HTTP_MAX_BODY_BYTES);


    private CoreSettings() {
    }
}
