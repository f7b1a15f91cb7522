package com.canopyhub;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.config.HubSettings;
import com.canopyhub.testing.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line as an operator runs it: a separate JVM, environment variables, exit status, printed summary. */
class CommandLineTest {

    private record Result(int exit, String output) {
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CanopyHub.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(".")).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
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
                        "HUB_DISTRU_SANDBOX", "true", "HUB_SANDBOX_RECORDS", "25"),
                "sync", "--once", "--entity", "products,packages");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("distru\\s+products\\s+SUCCEEDED\\s+25\\s+25\\s+25\\s+0")
                .containsPattern("total\\s+OK\\s+50");
    }

    @Test
    void sync_once_exits_1_when_an_entity_fails() throws Exception {
        Result r = run(Map.of("HUB_REPORTING_JDBC_URL", TestPostgres.freshDatabase(), "HUB_REPORTING_USERNAME", "postgres",
                        "HUB_SANDBOX_RECORDS", "5"),
                "sync", "--once", "--entity", "strains", "--set", "hub.distru.base-url=http://127.0.0.1:9",
                "--set", "hub.distru.api-key=k", "--set", "hub.retry.max-redeliveries=0");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).containsPattern("distru\\s+strains\\s+FAILED").contains("total");
    }

    @Test
    void the_dev_profile_layers_its_file_over_the_base_config() throws Exception {
        try (HubRuntime hub = HubRuntime.start(Path.of("config"), "dev", Map.of("hub.schedule.enabled", "false",
                "hub.reporting.jdbc-url", TestPostgres.freshDatabase(), "hub.reporting.username", "postgres",
                "hub.distru.sandbox", "true", "hub.sandbox.records", "1"), Map.of())) {
            assertThat(hub.bean("hubSettings", HubSettings.class).get("hub.distru.schedule")).isEqualTo("0 * * * * ?");
            assertThat(hub.context().getPropertiesComponent().resolveProperty("camel.main.routes-reload-enabled"))
                    .contains("true");
        }
    }
}
