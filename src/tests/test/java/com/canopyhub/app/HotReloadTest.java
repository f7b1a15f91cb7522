package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncStatus;
import com.canopyhub.testing.HubHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A saved route file that cannot load (a misspelt bean, an unknown endpoint) never takes the running routes away:
 * one error names the file, the line and the bean, and the next pass still syncs every stream.
 */
class HotReloadTest {

    @TempDir
    Path routes;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger reloadLogger = (Logger) LoggerFactory.getLogger(SafeRouteReload.class);

    @BeforeEach
    void captureLog() throws Exception {
        log.start();
        reloadLogger.addAppender(log);
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
    }

    @AfterEach
    void releaseLog() {
        reloadLogger.detachAppender(log);
    }

    private HubHarness hubWatching() throws Exception {
        return new HubHarness(DistruSandbox.Options.defaults(15), "hub.distru.streams", "strains,products",
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "hub.routes.reload", "true", "hub.routes.directory", routes.toString()).start();
    }

    private String logged() {
        return String.join("\n", log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void a_misspelt_bean_is_rejected_naming_file_line_and_bean_and_the_previous_routes_keep_syncing() throws Exception {
        try (HubHarness h = hubWatching()) {
            assertThat(h.sync().ok()).isTrue();
            Path file = routes.resolve("engine-sync.camel.yaml");
            String good = Files.readString(file);
            int line = (int) good.substring(0, good.indexOf("ref: pager")).lines().count();
            Files.writeString(file, good.replace("ref: pager", "ref: pagr"));

            await().atMost(Duration.ofSeconds(30)).until(() -> logged().contains("rejected"));
            assertThat(logged()).contains(file.toString()).contains("line " + line + ": no bean named 'pagr' (did you mean pager?)")
                    .contains("the previous routes keep running");

            for (int i = 0; i < 3; i++) {
                h.sandbox.touch(SandboxCollection.PRODUCTS, i);
            }
            h.passSafetyLag();
            SyncReport next = h.sync();
            assertThat(next.results()).extracting(StreamResult::status).containsExactly(SyncStatus.SUCCEEDED, SyncStatus.SUCCEEDED);
            assertThat(next.results().get(1).changed()).isEqualTo(3);
        }
    }

    @Test
    void a_file_that_fails_to_load_puts_the_previous_routes_back() throws Exception {
        try (HubHarness h = hubWatching()) {
            assertThat(h.sync().ok()).isTrue();
            Path file = routes.resolve("engine-changes.camel.yaml");
            String good = Files.readString(file);
            Files.writeString(file, good.replace("uri: direct:canonical-changed", "uri: nosuchcomponent:canonical-changed"));

            await().atMost(Duration.ofSeconds(30)).until(() -> logged().contains("failed, the previous routes keep running"));
            assertThat(logged()).contains("engine-changes.camel.yaml").contains("nosuchcomponent");
            assertThat(h.hub().context().getRoute("canonical-changes")).isNotNull();
            assertThat(h.hub().context().getRoute("canonical-changes").getEndpoint().getEndpointUri()).startsWith("direct://canonical-changed");

            h.sandbox.touch(SandboxCollection.STRAINS, 0);
            h.sandbox.touch(SandboxCollection.STRAINS, 1);
            h.passSafetyLag();
            SyncReport next = h.sync();
            assertThat(next.ok()).as(next.table()).isTrue();
            assertThat(next.results().get(0).changed()).isEqualTo(2);
        }
    }
}
