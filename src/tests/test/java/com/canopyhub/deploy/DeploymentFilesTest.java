package com.canopyhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * No Docker engine runs where the suite runs: the deployment files are checked by reading them. The compose file
 * names PostgreSQL, a KRaft Kafka and two hub nodes with consistent settings, every HUB_* variable is a declared
 * setting; the Dockerfile layers dependencies before the application, runs as a non-root user and checks health.
 */
class DeploymentFilesTest {

    @Test
    @SuppressWarnings("unchecked")
    void the_compose_file_runs_postgres_kafka_and_two_hub_nodes_with_consistent_settings() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker/compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsOnlyKeys("postgres", "kafka", "hub-1", "hub-2");

        Map<String, Object> postgres = services.get("postgres");
        assertThat((String) postgres.get("image")).startsWith("postgres:");
        Map<String, String> pgEnv = (Map<String, String>) postgres.get("environment");
        assertThat(postgres).containsKey("healthcheck");

        Map<String, Object> kafka = services.get("kafka");
        assertThat((String) kafka.get("image")).startsWith("apache/kafka:");
        Map<String, String> kafkaEnv = (Map<String, String>) kafka.get("environment");
        assertThat(kafkaEnv.get("KAFKA_PROCESS_ROLES")).as("KRaft, no ZooKeeper").isEqualTo("broker,controller");
        assertThat(kafka).containsKey("healthcheck");

        Set<String> declared = HubSettings.ALL.stream().map(Setting::environmentVariable).collect(Collectors.toSet());
        Map<String, String> first = (Map<String, String>) services.get("hub-1").get("environment");
        for (String node : List.of("hub-1", "hub-2")) {
            Map<String, Object> hub = services.get(node);
            Map<String, String> env = (Map<String, String>) hub.get("environment");
            assertThat(env).as(node + ": the same settings on every node").isEqualTo(first);
            assertThat(env.keySet()).as(node + ": every variable is a declared setting").allSatisfy(k -> assertThat(declared).contains(k));
            Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) hub.get("depends_on");
            assertThat(dependsOn.get("postgres")).containsEntry("condition", "service_healthy");
            assertThat(dependsOn.get("kafka")).containsEntry("condition", "service_healthy");
            Map<String, String> build = (Map<String, String>) hub.get("build");
            assertThat(Path.of("docker").resolve(build.get("context")).resolve(build.get("dockerfile")).normalize()).exists();
        }
        URI jdbc = URI.create(first.get("HUB_REPORTING_JDBC_URL").substring("jdbc:".length()));
        assertThat(jdbc.getHost()).as("the database is the postgres service").isEqualTo("postgres");
        assertThat(jdbc.getPath()).isEqualTo("/" + pgEnv.get("POSTGRES_DB"));
        assertThat(first.get("HUB_REPORTING_USERNAME")).isEqualTo(pgEnv.get("POSTGRES_USER"));
        assertThat(first.get("HUB_REPORTING_PASSWORD")).isEqualTo(pgEnv.get("POSTGRES_PASSWORD"));
        assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).as("the brokers the hubs are given are the ones Kafka advertises")
                .contains("//" + first.get("HUB_KAFKA_BOOTSTRAP_SERVERS"));
        assertThat(first).containsEntry("HUB_SCHEDULE_STORE", "jdbc").containsKey("HUB_WEBHOOKS_SECRET_KEY");
        assertThat(services.get("hub-1").get("ports")).isNotEqualTo(services.get("hub-2").get("ports"));
    }

    @Test
    void the_dockerfile_puts_dependencies_before_the_application_runs_as_non_root_and_checks_health() throws Exception {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
        assertThat(dockerfile.indexOf("COPY --from=dependencies /deps/ lib/")).as("dependencies layer")
                .isPositive().isLessThan(dockerfile.indexOf("COPY target/canopy-hub.jar"));
        assertThat(dockerfile).contains("USER canopy").contains("EXPOSE 8080").contains("HEALTHCHECK").contains("/health")
                .contains("COPY config/ config/").contains("COPY routes/ routes/");
    }
}
