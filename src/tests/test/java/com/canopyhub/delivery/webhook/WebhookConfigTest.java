package com.canopyhub.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.config.ConfigException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config/webhooks.yaml: the documented shape works as written; every mistake names file, line and key. */
class WebhookConfigTest {

    @TempDir
    Path dir;

    private WebhookConfig load(String yaml, Map<String, String> env) throws Exception {
        Path file = dir.resolve("webhooks.yaml");
        Files.writeString(file, yaml);
        return WebhookConfig.load(file, env);
    }

    @Test
    void the_documented_shape_loads_as_written() throws Exception {
        WebhookConfig c = load("""
                subscriptions:
                  - id: erp
                    url: https://erp.example.com/hooks/canopy
                    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                    events: ["product.*", "inventory.low_stock"]
                """, Map.of());
        assertThat(c.subscriptions()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("erp");
            assertThat(s.url()).isEqualTo("https://erp.example.com/hooks/canopy");
            assertThat(s.secret()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            assertThat(s.events()).containsExactly("product.*", "inventory.low_stock");
            assertThat(s.enabled()).isTrue();
            assertThat(s.toString()).doesNotContain("whsec_");
        });
        assertThat(c.expiringDays()).containsExactly(30);
    }

    @Test
    void secrets_come_from_the_environment_and_rules_from_the_file() throws Exception {
        WebhookConfig c = load("""
                subscriptions:
                  - id: ops
                    url: https://ops.example.com/hook
                    secret: ${env:OPS_WEBHOOK_SECRET}
                    events: ["*"]
                    enabled: false
                    max_in_flight: 3
                low_stock:
                  threshold: 10
                  categories: {Flower: 500}
                  products: {SKU-1: 2.5}
                document_expiring:
                  days: [7, 30]
                """, Map.of("OPS_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(c.subscriptions().get(0).secret()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(c.subscriptions().get(0).enabled()).isFalse();
        assertThat(c.subscriptions().get(0).maxInFlight()).isEqualTo(3);
        assertThat(c.lowStock().thresholdOf("SKU-1", "Flower")).isEqualByComparingTo("2.5");
        assertThat(c.lowStock().thresholdOf("SKU-2", "Flower")).isEqualByComparingTo("500");
        assertThat(c.lowStock().thresholdOf(null, "Edible")).isEqualByComparingTo(BigDecimal.TEN);
        assertThat(c.expiringDays()).containsExactly(30, 7);
    }

    @Test
    void every_mistake_is_named_with_file_and_line_and_a_secret_is_never_echoed() throws Exception {
        assertThatThrownBy(() -> load("""
                subscriptions:
                  - id: erp
                    url: ftp://erp.example.com/hook
                    secret: whsec_not-base64!!-secret-value
                    events: ["orders.*", "product.created"]
                  - id: erp
                    url: https://user:pw@x.example.com/
                    secret: ${env:MISSING_SECRET}
                    events: []
                    colour: blue
                """, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("webhooks.yaml line 3: subscription erp: url must start with https://")
                .hasMessageContaining("line 4: subscription erp: secret: a secret is whsec_ followed by base64")
                .hasMessageContaining("line 5: subscription erp: 'orders.*' matches no event type (known: product.created")
                .hasMessageContaining("line 6: id 'erp' appears twice")
                .hasMessageContaining("line 7: subscription erp: url must not carry credentials")
                .hasMessageContaining("line 8: subscription erp: secret ${env:MISSING_SECRET}: the environment variable is not set")
                .hasMessageContaining("line 9: subscription erp: events must name at least one")
                .hasMessageContaining("line 10: subscription: unknown key 'colour'")
                .hasMessageNotContaining("not-base64!!-secret-value");
    }

    @Test
    void internal_addresses_are_recognised_after_resolution_and_allowed_hosts_are_exempt() throws Exception {
        for (String internal : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1")) {
            assertThat(UrlGuard.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        assertThat(UrlGuard.isInternal(InetAddress.getByName("93.184.216.34"))).isFalse();
        assertThat(UrlGuard.isInternal(InetAddress.getByName("2606:2800:220:1:248:1893:25c8:1946"))).isFalse();

        UrlGuard strict = new UrlGuard(List.of());
        assertThatThrownBy(() -> strict.resolve("localhost")).isInstanceOf(UrlGuard.RefusedAddressException.class)
                .hasMessageContaining("hub.webhooks.allowed-private-hosts");
        assertThat(strict.schemeProblem("http://example.com/hook")).contains("https");
        UrlGuard allowing = new UrlGuard(List.of("localhost"));
        assertThat(allowing.resolve("localhost")).isNotEmpty();
        assertThat(allowing.schemeProblem("http://localhost:8080/hook")).isNull();
    }

    @Test
    void the_retry_schedule_reads_durations_and_its_default_spreads_eight_attempts_over_about_a_day() {
        assertThat(WebhookSettings.duration("1h30m")).contains(java.time.Duration.ofMinutes(90));
        assertThat(WebhookSettings.duration("150ms")).contains(java.time.Duration.ofMillis(150));
        assertThat(WebhookSettings.duration("5 minutes")).isEmpty();
        List<java.time.Duration> delays = WebhookSettings.delays(WebhookSettings.DEFAULT_SCHEDULE);
        assertThat(delays).hasSize(7);
        assertThat(delays.stream().reduce(java.time.Duration.ZERO, java.time.Duration::plus))
                .isBetween(java.time.Duration.ofHours(23), java.time.Duration.ofHours(25));
        assertThat(WebhookSettings.schedule("5s,soon")).get().asString().contains("'soon'");
    }
}
