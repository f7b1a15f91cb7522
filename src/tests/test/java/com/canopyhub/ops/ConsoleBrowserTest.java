package com.canopyhub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.origintrace.OriginTraceSandbox;
import com.canopyhub.testing.HubHarness;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: Debian's headless Chromium driven by Selenium through chromium-driver (.ci/run
 * installs both; the binaries are named, so Selenium Manager never downloads a browser), against a hub syncing the
 * Distru and OriginTrace sandboxes into real PostgreSQL.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "adm_console_4f1e9a2b7c";

    @Test
    void the_console_lists_every_feed_with_its_counts_and_its_replay_button_resolves_a_dead_letter() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Chromium is not installed here (" + CHROMIUM + ", " + CHROMEDRIVER + "): .ci/run installs Debian's chromium and "
                        + "chromium-driver; elsewhere apt-get install chromium chromium-driver to run this test");
        int port = MetricsTest.freePort();
        // -Dcanopyhub.console.metrc-licences=10: the console's figures against ten Metrc licences (docs/benchmarks.md)
        int licences = Integer.getInteger("canopyhub.console.metrc-licences", 0);
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(4), "hub.distru.streams", "products,packages")) {
            if (licences > 0) {
                h.withMetrc(com.canopyhub.sandbox.metrc.MetrcSandbox.Options.defaults(licences, 5));
            }
            h.withOriginTrace(OriginTraceSandbox.Options.of(6, 1000))
                    .set("hub.sync.sources", licences > 0 ? "distru,metrc,origintrace" : "distru,origintrace")
                    .set("hub.http.enabled", "true").set("hub.http.port", Integer.toString(port)).set("hub.admin.token", TOKEN);
            h.sandbox.setMalformed(SandboxCollection.PACKAGES, 1, true); // one dead letter that stays
            h.start();
            assertThat(h.syncSource("distru").ok()).isTrue();
            assertThat(h.syncSource("origintrace").ok()).isTrue();
            if (licences > 0) {
                assertThat(h.syncSource("metrc").ok()).isTrue();
            }
            // and one an earlier release refused whose record maps today: the replay button resolves it
            String productId = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 2);
            h.execute("DELETE FROM reporting.products WHERE source_id = '" + productId + "'");
            h.execute("INSERT INTO hub.dead_letters (fingerprint, source_system, stream, partition, source_id, route_id, reason, "
                    + "payload, first_failed_at, last_failed_at) VALUES ('earlier-release', 'distru', 'products', '', '" + productId
                    + "', 'sync-page', 'unmappable record: refused by an earlier release', '"
                    + h.sandbox.recordJson(SandboxCollection.PRODUCTS, 2).replace("'", "''") + "', now(), now())");
            long fixable = h.count("SELECT id FROM hub.dead_letters WHERE fingerprint = 'earlier-release'");

            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            WebDriver browser = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get("http://localhost:" + port + "/");
                // no token yet: the console asks for one
                WebElement token = wait.until(b -> b.findElement(By.id("token")).isDisplayed() ? b.findElement(By.id("token")) : null);
                token.sendKeys(TOKEN);
                browser.findElement(By.cssSelector("#login button")).click();
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
                // the token stays with the tab: a reload opens straight onto the data
                browser.navigate().refresh();
                wait.until(b -> "true".equals(b.findElement(By.tagName("body")).getAttribute("data-loaded")));
                assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
                // what it costs to open (figures, not goals: docs/benchmarks.md)
                Object figures = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                        "const nav = performance.getEntriesByType('navigation')[0];"
                                + "const api = performance.getEntriesByType('resource').filter(r => r.name.includes('/api/v1/'));"
                                + "const paint = performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint');"
                                + "return 'page ' + nav.decodedBodySize + ' B, API answers ' + api.reduce((s, r) => s + r.decodedBodySize, 0) + ' B in '"
                                + " + api.length + ' requests, first contentful paint ' + (paint ? Math.round(paint.startTime) : '?') + ' ms, data rendered '"
                                + " + document.body.dataset.renderedMs + ' ms, feeds '"
                                + " + document.querySelectorAll('#feeds tbody tr').length");
                System.out.println("console figures (" + licences + " Metrc licences): " + figures);

                // every feed the hub ran, with the figures of its last run
                Map<String, Long> expected = new LinkedHashMap<>();
                for (Map<String, Object> r : h.rows("SELECT DISTINCT ON (source_system, stream, partition) source_system, stream, partition, "
                        + "fetched FROM hub.sync_runs ORDER BY source_system, stream, partition, id DESC")) {
                    expected.put(r.get("source_system") + "/" + r.get("stream") + (((String) r.get("partition")).isEmpty() ? "" : "/" + r.get("partition")),
                            ((Number) r.get("fetched")).longValue());
                }
                assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
                List<WebElement> rows = browser.findElements(By.cssSelector("#feeds tbody tr"));
                Map<String, Long> shown = new LinkedHashMap<>();
                for (WebElement row : rows) {
                    shown.put(row.getAttribute("data-feed"), Long.parseLong(row.findElements(By.tagName("td")).get(3).getText()));
                }
                assertThat(shown).as("every feed, with what its last run fetched").isEqualTo(expected);
                assertThat(browser.findElement(By.cssSelector("tr[data-feed='distru/packages'] .dot")).getAttribute("class"))
                        .as("a dead letter waits: amber").contains("warn");
                assertThat(browser.findElement(By.cssSelector("tr[data-feed='distru/products'] .dot")).getAttribute("class"))
                        .as("the replayable dead letter is of products too").contains("warn");
                assertThat(browser.findElements(By.cssSelector("#chart rect"))).as("one bar per hour of the last day").hasSize(24);

                WebElement replay = browser.findElement(By.cssSelector("#deadletters tr[data-id='" + fixable + "'] button.replay"));
                replay.click();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        h.count("SELECT count(*) FROM hub.dead_letters WHERE id = " + fixable + " AND resolution = 'replayed'") == 1);
                wait.until(b -> b.findElements(By.cssSelector("#deadletters tr[data-id='" + fixable + "']")).isEmpty());
                assertThat(h.count("SELECT count(*) FROM reporting.products WHERE source_id = ?", productId)).isEqualTo(1);

                ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
                assertThat((Long) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")).as("nothing wider than the window").isLessThanOrEqualTo(0L);
                Path shot = Path.of("target", "console.png");
                Files.createDirectories(shot.getParent());
                File taken = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Files.copy(taken.toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(shot)).isPositive();
            } finally {
                browser.quit();
            }
        }
    }
}
