package com.canopyhub.delivery.marketplace;

import static com.canopyhub.delivery.marketplace.MarketplaceTesting.awaitSettled;
import static com.canopyhub.delivery.marketplace.MarketplaceTesting.harness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.sandbox.Fault;
import com.canopyhub.testing.HubHarness;
import com.canopyhub.testing.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TerraVault from the outbox, end to end: a real hub on real PostgreSQL syncs the Distru sandbox, the marketplace
 * routes push to the stateful TerraVault sandbox over HTTP.
 */
class TerraVaultDeliveryTest {

    @Test
    void changes_reach_terravault_as_exactly_one_create_update_or_inventory_event_with_exactly_converted_values() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12).start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");

            // products 2,3,4,6,8,9 are active, priced and in weights (Eighth, Ounce, Pound, Gram); 0 and 10 are inactive;
            // 1,5,7,11 are in Each or Milliliter: dead letters
            assertThat(tv.listings()).hasSize(6);
            assertThat(tv.requests()).filteredOn(r -> r.equals("POST /api/v1/products")).hasSize(6);
            for (TerraVaultSandbox.Listing l : tv.listings()) {
                Map<String, Object> p = product(h, l.externalReference());
                assertThat(l.priceCents()).isEqualTo(((BigDecimal) p.get("unit_price")).movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact());
                assertThat(l.quantityLbs()).isEqualByComparingTo(pounds((BigDecimal) p.get("available"), (String) p.get("unit_of_measure")));
                assertThat(l.name()).isEqualTo(p.get("name"));
                assertThat(l.status()).isEqualTo("active");
            }
            assertThat(h.rows("SELECT source_id, reason FROM hub.dead_letters WHERE stream = 'sink:terravault' ORDER BY source_id"))
                    .extracting(r -> (String) r.get("reason"))
                    .hasSize(4).allSatisfy(reason -> assertThat(reason).containsAnyOf("Each: not a weight", "Milliliter: not a weight"));

            // a price change: one PUT carrying the new price
            int before = tv.requests().size();
            h.sandbox.touch(SandboxCollection.PRODUCTS, 3);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.requests().subList(before, tv.requests().size())).containsExactly("PUT /api/v1/products");
            TerraVaultSandbox.Listing three = listing(tv, h, 3);
            assertThat(three.priceCents()).isEqualTo(((BigDecimal) product(h, three.externalReference()).get("unit_price"))
                    .movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact());

            // stock changes: each one inventory event with the exact delta in pounds, until a decrease was among them
            boolean decreased = false;
            for (int round = 0; round < 6 && !decreased; round++) {
                before = tv.requests().size();
                BigDecimal held = listing(tv, h, 4).quantityLbs();
                h.sandbox.touch(SandboxCollection.INVENTORY, 4);
                h.passSafetyLag();
                assertThat(h.sync().ok()).isTrue();
                awaitSettled(h, "terravault");
                TerraVaultSandbox.Listing four = listing(tv, h, 4);
                BigDecimal now = pounds((BigDecimal) product(h, four.externalReference()).get("available"), "Pound");
                BigDecimal delta = now.subtract(held);
                if (delta.signum() == 0) {
                    assertThat(tv.requests()).hasSize(before);
                    continue;
                }
                assertThat(tv.requests().subList(before, tv.requests().size())).containsExactly("POST /api/inventory");
                assertThat(four.quantityLbs()).isEqualByComparingTo(now);
                TerraVaultSandbox.InventoryEvent event = tv.inventoryEvents().get(tv.inventoryEvents().size() - 1);
                assertThat(event.type()).isEqualTo(delta.signum() > 0 ? "restock" : "adjustment");
                assertThat(event.quantityLbs()).as("restock: the increase; adjustment: the signed decrease").isEqualByComparingTo(delta);
                decreased = delta.signum() < 0;
            }
            assertThat(decreased).as("a decrease was seen").isTrue();

            // a no-op sync: nothing changed, nothing sent
            before = tv.requests().size();
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.requests()).hasSize(before);
        }
    }

    @Test
    void a_create_whose_answer_timed_out_is_looked_up_and_adopted_never_created_twice() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 3).start()) {
            // products 0 (inactive) and 1 (Each) send nothing: the first request is product 2's create, answered late
            tv.inject(Fault.slow(Duration.ofMillis(2500)));
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");

            assertThat(tv.listings()).as("exactly one listing").hasSize(1);
            assertThat(tv.requests()).as(h.rows("SELECT * FROM hub.marketplace_requests ORDER BY id").toString())
                    .containsExactly("POST /api/v1/products", "GET /api/v1/products");
            assertThat(h.rows("SELECT action, outcome FROM hub.marketplace_requests ORDER BY id"))
                    .extracting(r -> r.get("action") + " " + r.get("outcome")).containsExactly("create FAILED", "lookup ACCEPTED");
            assertThat(h.rows("SELECT remote_id, pending FROM hub.marketplace_listings WHERE remote_id IS NOT NULL"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("remote_id")).isEqualTo(tv.listings().get(0).id());
                        assertThat(r.get("pending")).isNull();
                    });
        }
    }

    @Test
    void a_lookup_answered_unfiltered_adopts_only_the_listing_with_its_own_reference() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12, "hub.marketplaces.senders", "1").start()) {
            // the sandbox ignores external_reference (as the reference allows): the 4th create is answered too late,
            // and its lookup is answered with every listing, its own among strangers
            tv.inject(Fault.none(), Fault.none(), Fault.none(), Fault.slow(Duration.ofMillis(2500)));
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");

            assertThat(tv.listings()).as("one listing per product, none adopted twice").hasSize(6);
            assertThat(h.rows("SELECT action, outcome FROM hub.marketplace_requests ORDER BY id"))
                    .extracting(r -> r.get("action") + " " + r.get("outcome")).contains("create FAILED", "lookup ACCEPTED")
                    .doesNotContain("lookup FAILED");
            for (Map<String, Object> row : h.rows("SELECT canonical_id::text AS id, remote_id FROM hub.marketplace_listings "
                    + "WHERE sink = 'terravault' AND remote_id IS NOT NULL")) {
                assertThat(tv.listings()).filteredOn(l -> l.id().equals(row.get("remote_id"))).singleElement()
                        .satisfies(l -> assertThat(l.externalReference()).as("adopted its own listing").isEqualTo(row.get("id")));
            }
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE stream = 'sink:terravault' AND reason NOT LIKE '%not a weight%'"))
                    .isZero();
        }
    }

    @Test
    void one_poisoned_listing_is_dead_lettered_after_its_attempts_while_every_other_listing_is_listed() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 24, "hub.marketplaces.listing-attempts", "3", "hub.marketplaces.senders", "1").start()) {
            // a create after the first is answered with the id of a listing the hub already holds: saving it breaks
            // the id map's uniqueness, every time it is tried (one sender, so the other listing's answer is recorded
            // first and the poison lands on this listing, not on whichever of the two is saved second)
            String[] poisoned = new String[1];
            tv.answerCreates(reference -> {
                synchronized (poisoned) {
                    if (poisoned[0] == null && tv.listings().size() >= 1) {
                        poisoned[0] = reference;
                    }
                    return reference.equals(poisoned[0])
                            ? "{\"data\":{\"id\":\"" + tv.listings().get(0).id() + "\",\"external_reference\":\"" + reference + "\"}}"
                            : null;
                }
            });
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");

            assertThat(poisoned[0]).isNotNull();
            // 24 products: 13 listable (active, priced, by weight); one poisoned
            assertThat(tv.listings()).hasSize(12).allSatisfy(l -> assertThat(l.externalReference()).isNotEqualTo(poisoned[0]));
            assertThat(h.rows("SELECT reason FROM hub.dead_letters WHERE stream = 'sink:terravault' AND reason NOT LIKE '%not a weight%'"))
                    .singleElement().satisfies(r -> assertThat((String) r.get("reason")).contains("after 3 attempts")
                            .contains("marketplace_listings_remote"));
            assertThat(tv.requests()).filteredOn(r -> r.equals("POST /api/v1/products")).as("3 creates for the poisoned one")
                    .hasSize(12 + 3);
        }
    }

    @Test
    void a_second_demo_run_on_a_fresh_sandbox_lists_again_without_colliding_with_the_first_runs_ids() throws Exception {
        HubHarness h = harness(null, 12);
        try (TerraVaultSandbox first = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC())) {
            h.set("hub.terravault.base-url", first.baseUrl().toString()).start();
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(first.listings()).hasSize(6);
            h.stopHub();
        }
        try (TerraVaultSandbox second = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness hub = h) {
            // like the default run's second start: a new, empty sandbox; the id map still holds the first one's ids
            hub.set("hub.terravault.base-url", second.baseUrl().toString()).start();
            for (int i : new int[] {2, 3, 4}) {
                hub.sandbox.touch(SandboxCollection.PRODUCTS, i);
            }
            hub.passSafetyLag();
            assertThat(hub.sync().ok()).isTrue();
            awaitSettled(hub, "terravault");
            assertThat(second.listings()).as("the changed products are listed again").hasSize(3);
            assertThat(hub.count("SELECT count(*) FROM hub.dead_letters WHERE stream = 'sink:terravault' "
                    + "AND reason NOT LIKE '%not a weight%'")).as("no collision, no dead letter").isZero();
            assertThat(hub.count("SELECT count(*) FROM hub.marketplace_requests WHERE error LIKE '%marketplace_listings_remote%'"))
                    .isZero();
        }
    }

    @Test
    void after_a_restart_a_request_of_unknown_outcome_is_resolved_before_the_backlog() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12, "hub.marketplaces.senders", "1").start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            h.stopHub();
            // as a killed process leaves it: five listings with an update due long ago (a backlog), and one whose create
            // was sent a moment ago and never answered
            h.execute("UPDATE hub.marketplace_listings SET dirty = true, changes = changes + 1, pushed_hash = 'stale', "
                    + "next_attempt_at = now() - interval '1 hour' WHERE sink = 'terravault' AND remote_id IS NOT NULL "
                    + "AND canonical_id IN (SELECT canonical_id FROM hub.marketplace_listings WHERE sink = 'terravault' "
                    + "AND remote_id IS NOT NULL ORDER BY canonical_id LIMIT 5)");
            h.execute("UPDATE hub.marketplace_listings SET dirty = true, changes = changes + 1, "
                    + "pending = '{\"action\":\"create\",\"hash\":\"x\"}', next_attempt_at = now(), claimed_by = 'a-dead-node' "
                    + "WHERE sink = 'terravault' AND remote_id IS NOT NULL AND canonical_id = (SELECT canonical_id "
                    + "FROM hub.marketplace_listings WHERE sink = 'terravault' AND remote_id IS NOT NULL ORDER BY canonical_id DESC LIMIT 1)");
            int before = tv.requests().size();
            h.start();
            awaitSettled(h, "terravault");
            List<String> after = tv.requests().subList(before, tv.requests().size());
            assertThat(after).as("the unknown outcome first, then the backlog").startsWith("GET /api/v1/products")
                    .filteredOn(r -> r.equals("PUT /api/v1/products")).hasSize(5);
        }
    }

    @Test
    void a_429_waits_for_retry_after_and_a_503_is_retried_after_a_lookup_without_a_second_listing() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 3).start()) {
            tv.inject(Fault.tooManyRequests(1), Fault.status(503));
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.listings()).hasSize(1);
            // 429: not carried out, sent again as it was; 503: maybe carried out, so looked up before the create
            assertThat(tv.requests()).containsExactly("POST /api/v1/products", "POST /api/v1/products", "GET /api/v1/products",
                    "POST /api/v1/products");
            List<Map<String, Object>> requests = h.rows("SELECT action, outcome, http_status, started_at FROM hub.marketplace_requests ORDER BY id");
            assertThat(requests).extracting(r -> r.get("action") + " " + r.get("outcome")).containsExactly(
                    "create RATE_LIMITED", "create FAILED", "lookup ACCEPTED", "create ACCEPTED");
            java.time.OffsetDateTime limited = (java.time.OffsetDateTime) requests.get(0).get("started_at");
            java.time.OffsetDateTime retried = (java.time.OffsetDateTime) requests.get(1).get("started_at");
            assertThat(Duration.between(limited, retried)).as("Retry-After: 1 s").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void a_hub_killed_after_terravault_accepted_a_create_still_has_exactly_one_listing_after_restart() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 3)) {
            // scheduled syncs every second: the first one's creates are pushed while the process runs
            h.set("hub.schedule.enabled", "true").set("hub.distru.schedule", "* * * * * ?");
            Map<String, String> env = HubProcess.environmentOf(h.overrides());
            HubProcess[] first = new HubProcess[1];
            CountDownLatch created = new CountDownLatch(1);
            tv.onCreated(l -> {
                // TerraVault has the listing; the hub dies before it hears the answer (SIGKILL: nothing runs on the way out)
                first[0].process.destroyForcibly();
                try {
                    first[0].process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                created.countDown();
            });
            first[0] = HubProcess.start(env, "run");
            assertThat(created.await(90, TimeUnit.SECONDS)).as("a create reached TerraVault: " + first[0].output()).isTrue();
            tv.onCreated(l -> { });
            assertThat(h.rows("SELECT pending->>'action' AS a FROM hub.marketplace_listings WHERE pending IS NOT NULL"))
                    .as("the create is known to be in flight").extracting(r -> r.get("a")).containsExactly("create");

            HubProcess second = HubProcess.start(env, "run");
            try {
                awaitSettled(h, "terravault");
            } finally {
                second.terminate();
                second.waitFor(Duration.ofSeconds(60));
            }
            assertThat(tv.listings()).as("exactly one listing").hasSize(1);
            assertThat(tv.requests()).containsExactly("POST /api/v1/products", "GET /api/v1/products");
            assertThat(h.count("SELECT count(*) FROM hub.marketplace_listings WHERE remote_id = ?", tv.listings().get(0).id())).isEqualTo(1);
        }
    }

    @Test
    void a_422_is_a_dead_letter_with_the_response_body_and_is_not_retried() throws Exception {
        Path mapping = editedMapping("VAPE: concentrates", "VAPE: vapes"); // product 2 is a VAPE
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 3, "hub.terravault.mapping-file", mapping.toString()).start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.listings()).isEmpty();
            assertThat(tv.requests()).as("not retried").containsExactly("POST /api/v1/products");
            assertThat(h.rows("SELECT source_id, reason FROM hub.dead_letters WHERE stream = 'sink:terravault' AND reason LIKE '%HTTP 422%'"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("source_id")).isEqualTo(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 2));
                        assertThat((String) r.get("reason")).contains("validation_failed").contains("\"category\"");
                    });
        }
    }

    @Test
    void a_rejected_key_stops_only_the_terravault_sink_with_a_clear_error_and_the_sync_carries_on() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12, "hub.terravault.api-key", "tv_live_revoked_key_0000").start()) {
            assertThat(h.sync().ok()).isTrue();
            await().atMost(Duration.ofSeconds(20)).until(() -> h.count("SELECT count(*) FROM hub.marketplace_sinks WHERE stopped_at IS NOT NULL") == 1);
            MarketplaceDelivery sink = h.hub().bean("terravaultDelivery", MarketplaceDelivery.class);
            assertThat(sink.stoppedReason()).contains("401").contains("invalid_api_key").doesNotContain("tv_live_revoked");
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.inFlight() == 0);
            int sent = tv.requests().size();
            assertThat(sent).as("requests already in flight when the first 401 came").isBetween(1, 4);

            // the hub carries on: a later sync works, the stopped sink sends nothing, its listings wait (none lost)
            h.sandbox.touch(SandboxCollection.PRODUCTS, 3);
            h.passSafetyLag();
            assertThat(h.sync().ok()).isTrue();
            assertThat(tv.requests()).hasSize(sent);
            assertThat(h.count("SELECT count(*) FROM hub.marketplace_listings WHERE dirty")).isGreaterThanOrEqualTo(6);
            assertThat(h.count("SELECT count(*) FROM hub.marketplace_listings WHERE remote_id IS NOT NULL")).isZero();
            assertThat(h.count("SELECT count(*) FROM hub.dead_letters WHERE stream = 'sink:terravault' AND reason LIKE '%401%'")).isZero();
            assertThat(h.rows("SELECT payload FROM hub.outbox WHERE type = 'hub.marketplace.stopped'"))
                    .as("one alert, however many requests the 401 answered").singleElement()
                    .satisfies(r -> assertThat((String) r.get("payload")).contains("\"sink\":\"terravault\"").contains("401")
                            .doesNotContain("tv_live_revoked"));
        }
    }

    @Test
    void an_edited_mapping_file_changes_what_is_listed_and_how_without_recompiling() throws Exception {
        Path mapping = editedMapping("name: ${body[name]}", "name: ${body[name]}");
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12, "hub.terravault.mapping-file", mapping.toString()).start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            assertThat(tv.listings()).hasSize(6).allSatisfy(l -> assertThat(l.status()).isEqualTo("active"));
            h.stopHub();

            // the integration engineer edits the file: names carry the SKU, products sold by the pound are not listed
            String text = Files.readString(mapping)
                    .replace("name: ${body[name]}", "name: ${body[name]} (${body[sku]})")
                    .replace("list-when: ${body[active]} == true", "list-when: ${body[unit_of_measure]} != 'Pound' && ${body[active]} == true");
            Files.writeString(mapping, text);
            int before = tv.requests().size();
            h.start();
            awaitSettled(h, "terravault");
            assertThat(tv.requests().subList(before, tv.requests().size())).hasSize(6).containsOnly("PUT /api/v1/products");
            assertThat(listing(tv, h, 4).status()).as("the Pound product is delisted").isEqualTo("inactive");
            assertThat(tv.listings()).filteredOn(l -> l.status().equals("active")).hasSize(5)
                    .allSatisfy(l -> assertThat(l.name()).matches("Product \\d+ \\(SKU-\\d+\\)"));
        }
    }

    @Test
    void the_pace_stays_under_the_limit_in_every_sliding_window_and_a_backlog_drains_at_95_percent_of_it() throws Exception {
        // TerraVault's rule scaled down so the test takes seconds: 50 requests in any sliding 5 s (the hub's pace, 97 %)
        int limit = 50;
        Duration window = Duration.ofSeconds(5);
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults().withLimit(limit, window), Clock.systemUTC());
             HubHarness h = harness(tv, 120, "hub.terravault.requests-per-minute", Integer.toString(limit),
                     "hub.terravault.rate-window", "5s").start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            List<Long> at = tv.admittedAt();
            assertThat(at.size()).as("a backlog of creates").isGreaterThan(60);
            assertThat(tv.rateLimited()).as("429s").isZero();
            assertThat(tv.peakRequestsPerMinute(TerraVaultSandbox.Options.defaults().firstKey())).as("most in any sliding window")
                    .isLessThanOrEqualTo(limit);
            double perSecond = (at.size() - 1) * 1000.0 / (at.get(at.size() - 1) - at.get(0));
            double allowed = limit * 1000.0 / window.toMillis();
            assertThat(perSecond / allowed).as("achieved / allowed").isGreaterThanOrEqualTo(0.95).isLessThanOrEqualTo(1.0);
        }
    }

    /** The shipped mapping file with one line replaced, in a temporary directory. */
    static Path editedMapping(String line, String replacement) throws Exception {
        String text = Files.readString(Path.of("config/marketplaces/terravault.yaml"));
        assertThat(text).contains(line);
        Path file = Files.createTempDirectory("mapping").resolve("terravault.yaml");
        Files.writeString(file, text.replace(line, replacement));
        return file;
    }

    static Map<String, Object> product(HubHarness h, String canonicalId) throws Exception {
        return h.rows("SELECT p.*, (SELECT sum(available_quantity) FROM reporting.stock_levels s WHERE s.product_source_id = p.source_id) AS available "
                + "FROM reporting.products p WHERE canonical_id = ?::uuid", canonicalId).get(0);
    }

    static TerraVaultSandbox.Listing listing(TerraVaultSandbox tv, HubHarness h, int productIndex) throws Exception {
        String id = (String) h.rows("SELECT canonical_id::text AS id FROM reporting.products WHERE source_id = ?",
                DistruSandbox.recordId(SandboxCollection.PRODUCTS, productIndex)).get(0).get("id");
        return tv.listings().stream().filter(l -> l.externalReference().equals(id)).findFirst().orElseThrow();
    }

    /** The test's own conversion, written independently of MarketplaceUnits. */
    static BigDecimal pounds(BigDecimal amount, String unit) {
        BigDecimal grams = switch (unit) {
            case "Gram" -> amount;
            case "Eighth" -> amount.multiply(new BigDecimal("3.543690390625"));
            case "Ounce" -> amount.multiply(new BigDecimal("28.349523125"));
            case "Pound" -> amount.multiply(new BigDecimal("453.59237"));
            default -> throw new IllegalArgumentException(unit);
        };
        return grams.divide(new BigDecimal("453.59237"), 4, RoundingMode.DOWN);
    }
}
