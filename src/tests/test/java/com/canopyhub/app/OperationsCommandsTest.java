package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin API's actions as verbs, for scripts without HTTP: `sync --reset`, `backfill --since`, `dead-letters`.
 * In this JVM (as the command line runs them, minus the exit): each verb starts the hub on the sandbox and a fresh
 * database of the shared test server.
 */
class OperationsCommandsTest {

    record Result(int exit, String output) {
    }

    private static Result run(String url, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (String set : List.of("hub.reporting.jdbc-url=" + url, "hub.reporting.username=postgres", "hub.distru.sandbox=true",
                "hub.sandbox.records=3", "hub.sync.sources=distru", "hub.distru.streams=products,packages",
                "hub.terravault.enabled=false", "hub.shop-platform.enabled=false")) {
            all.add("--set");
            all.add(set);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            int exit = CanopyHub.execute(all.toArray(new String[0]));
            return new Result(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void reset_backfill_and_dead_letter_verbs_do_what_the_admin_api_does() throws Exception {
        String url = TestPostgres.freshDatabase();
        Result first = run(url, "sync", "--once");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(cursors(url)).isEqualTo(2);

        Result reset = run(url, "sync", "--once", "--stream", "products", "--reset");
        assertThat(reset.exit()).as(reset.output()).isZero();
        assertThat(reset.output()).contains("distru: 1 cursor(s) reset (products)");

        Result backfill = run(url, "backfill", "--source", "distru", "--stream", "packages", "--since", "2025-02-01");
        assertThat(backfill.exit()).as(backfill.output()).isZero();
        assertThat(count(url, "SELECT count(*) FROM hub.sync_runs WHERE trigger = 'cli' AND stream = 'packages' "
                + "AND window_start = '2025-02-01T00:00:00Z' AND status = 'SUCCEEDED'")).isEqualTo(1);
        Result bad = run(url, "backfill", "--source", "distru", "--stream", "packages", "--since", "last tuesday");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("--since: 'last tuesday' is not a date");

        Result none = run(url, "dead-letters", "list");
        assertThat(none.exit()).as(none.output()).isZero();
        assertThat(none.output()).contains("(none)");
        Result missing = run(url, "dead-letters", "replay", "424242");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains("no dead letter 424242");
    }

    private static long cursors(String url) throws Exception {
        return count(url, "SELECT count(*) FROM hub.sync_cursors");
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
