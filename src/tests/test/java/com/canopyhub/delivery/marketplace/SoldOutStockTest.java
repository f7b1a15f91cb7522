package com.canopyhub.delivery.marketplace;

import static com.canopyhub.delivery.marketplace.MarketplaceTesting.awaitSettled;
import static com.canopyhub.delivery.marketplace.MarketplaceTesting.harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.sandbox.shop.ShopPlatformSandbox;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Distru leaves sold-out groups out of its inventory snapshot (distru-api.txt, inventory); the hub reads that
 * absence, after a complete pass only, as stock 0, and every sink follows: real PostgreSQL, the sandboxes over HTTP.
 */
class SoldOutStockTest {

    @Test
    void a_lot_sold_out_upstream_reaches_zero_in_reporting_on_terravault_and_in_the_shops_and_a_deleted_product_is_withdrawn() throws Exception {
        try (TerraVaultSandbox tv = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults(), Clock.systemUTC());
             ShopPlatformSandbox shop = ShopPlatformSandbox.start(ShopPlatformSandbox.Options.defaults(), Clock.systemUTC());
             HubHarness h = harness(tv, 12, "hub.shop-platform.enabled", "true",
                     "hub.shop-platform.base-url", shop.baseUrl().toString(),
                     "hub.shop-platform.token", ShopPlatformSandbox.Options.defaults().firstToken(),
                     "hub.shop-platform.org-id", "org1", "hub.shop-platform.shops", "shop1,shop2",
                     "hub.shop-platform.requests-per-minute", "6000").start()) {
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            awaitSettled(h, "shop-platform");
            String product = DistruSandbox.recordId(SandboxCollection.PRODUCTS, 4); // by the pound, active, priced
            BigDecimal held = TerraVaultDeliveryTest.listing(tv, h, 4).quantityLbs();
            assertThat(held).isPositive();
            assertThat(shop.attached("shop1")).containsKey("SKU-0000004");

            h.sandbox.setStock(4, BigDecimal.ZERO); // Distru stops serving the group
            h.passSafetyLag();
            int tvBefore = tv.requests().size();
            long changesBefore = h.count("SELECT count(*) FROM hub.record_changes WHERE stream = 'inventory'");
            String events = "SELECT count(*) FROM hub.outbox WHERE type = 'inventory.updated' AND aggregate_type = 'stock_level' "
                    + "AND payload::text LIKE ?";
            long eventsBefore = h.count(events, "%" + product + "%");
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            awaitSettled(h, "shop-platform");

            assertThat(h.rows("SELECT active_quantity, available_quantity FROM reporting.stock_levels WHERE product_source_id = ?", product))
                    .singleElement().satisfies(r -> {
                        assertThat((BigDecimal) r.get("active_quantity")).isZero();
                        assertThat((BigDecimal) r.get("available_quantity")).isZero();
                    });
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE stream = 'inventory'")).isEqualTo(changesBefore + 1);
            assertThat(h.count(events, "%" + product + "%")).as("one event for the sold-out stock level").isEqualTo(eventsBefore + 1);
            assertThat(tv.requests().subList(tvBefore, tv.requests().size())).containsExactly("POST /api/inventory");
            TerraVaultSandbox.InventoryEvent down = tv.inventoryEvents().get(tv.inventoryEvents().size() - 1);
            assertThat(down.type()).isEqualTo("adjustment");
            assertThat(down.quantityLbs()).isEqualByComparingTo(held.negate());
            assertThat(TerraVaultDeliveryTest.listing(tv, h, 4).quantityLbs()).isZero();
            assertThat(shop.attached("shop1")).doesNotContainKey("SKU-0000004");
            assertThat(shop.attached("shop2")).doesNotContainKey("SKU-0000004");

            // still sold out: the next pass changes and sends nothing
            h.passSafetyLag();
            tvBefore = tv.requests().size();
            int shopBefore = shop.requests().size();
            long changes = h.count("SELECT count(*) FROM hub.record_changes");
            assertThat(h.sync().ok()).isTrue();
            awaitSettled(h, "terravault");
            awaitSettled(h, "shop-platform");
            assertThat(h.count("SELECT count(*) FROM hub.record_changes")).isEqualTo(changes);
            assertThat(tv.requests()).hasSize(tvBefore);
            assertThat(shop.requests()).hasSize(shopBefore);

            // a product deleted in Distru: a --full pass marks it deleted (one product.deleted event), and every
            // marketplace withdraws it
            assertThat(TerraVaultDeliveryTest.listing(tv, h, 6).status()).isEqualTo("active");
            assertThat(shop.attached("shop1")).containsKey("SKU-0000006");
            h.sandbox.setDeleted(SandboxCollection.PRODUCTS, 6, true);
            assertThat(h.fullSync("products").ok()).isTrue();
            awaitSettled(h, "terravault");
            awaitSettled(h, "shop-platform");
            assertThat(h.rows("SELECT source_id FROM reporting.products WHERE deleted_at IS NOT NULL"))
                    .extracting(r -> r.get("source_id")).containsExactly(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 6));
            assertThat(h.count("SELECT count(*) FROM hub.outbox WHERE type = 'product.deleted'")).isEqualTo(1);
            assertThat(TerraVaultDeliveryTest.listing(tv, h, 6).status()).isEqualTo("inactive");
            assertThat(shop.attached("shop1")).doesNotContainKey("SKU-0000006");
        }
    }

    @Test
    void a_pass_that_fails_marks_nothing_gone_and_the_next_complete_one_does() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(12)).start()) {
            assertThat(h.sync("inventory").ok()).isTrue();
            String five = stock(h, 5);
            assertThat(new BigDecimal(five)).isPositive();

            h.sandbox.setStock(5, BigDecimal.ZERO);
            h.sandbox.inject(Fault.status(400)); // the pass's only page is refused: the run fails
            h.passSafetyLag();
            assertThat(h.sync("inventory").ok()).isFalse();
            assertThat(stock(h, 5)).as("a failed pass proves no absence").isEqualTo(five);

            h.passSafetyLag();
            assertThat(h.sync("inventory").ok()).isTrue();
            assertThat(new BigDecimal(stock(h, 5))).isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.stock_levels WHERE active_quantity > 0")).isEqualTo(11);
        }
    }

    @Test
    void in_a_pass_of_several_pages_only_an_absence_distru_confirms_is_marked_and_a_group_pushed_past_a_page_boundary_is_not()
            throws Exception {
        SandboxSizes sizes = SandboxSizes.uniform(2).with(SandboxCollection.INVENTORY, 5_010);
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(2).withSizes(sizes)).start()) {
            assertThat(h.sync("inventory").ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.stock_levels")).isEqualTo(5_010);
            String twenty = stock(h, 20);
            String boundary = stock(h, 5_001);

            h.sandbox.setStock(10, BigDecimal.ZERO); // gone before the pass: absent from page 1
            AtomicBoolean once = new AtomicBoolean();
            h.sandbox.onPageRequested((collection, page) -> {
                if (collection.equals("inventory") && page == 2 && once.compareAndSet(false, true)) {
                    // sold out after page 1 was served: every later group moves up a place, and group 5001, the
                    // first of page 2 until then, slips onto page 1 unread
                    h.sandbox.setStock(20, BigDecimal.ZERO);
                }
            });
            h.passSafetyLag();
            assertThat(h.sync("inventory").ok()).isTrue();

            assertThat(new BigDecimal(stock(h, 10))).as("confirmed gone").isZero();
            assertThat(stock(h, 5_001)).as("present upstream though this pass did not see it").isEqualTo(boundary);
            assertThat(stock(h, 20)).as("served before it went: the next pass sees it gone").isEqualTo(twenty);
            List<DistruSandbox.Served> confirming = h.sandbox.served().stream()
                    .filter(s -> s.pathAndQuery().contains("product_ids")).toList();
            assertThat(confirming).singleElement().satisfies(s -> assertThat(s.pathAndQuery())
                    .contains(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 10))
                    .contains(DistruSandbox.recordId(SandboxCollection.PRODUCTS, 5_001)));

            h.sandbox.onPageRequested((c, p) -> { });
            h.passSafetyLag();
            assertThat(h.sync("inventory").ok()).isTrue();
            assertThat(new BigDecimal(stock(h, 20))).isZero();
            assertThat(stock(h, 5_001)).isEqualTo(boundary);
            assertThat(h.count("SELECT count(*) FROM reporting.stock_levels WHERE active_quantity = 0")).isEqualTo(2);
        }
    }

    private static String stock(HubHarness h, int group) throws Exception {
        List<Map<String, Object>> rows = h.rows("SELECT active_quantity FROM reporting.stock_levels WHERE product_source_id = ?",
                DistruSandbox.recordId(SandboxCollection.PRODUCTS, group));
        assertThat(rows).hasSize(1);
        return ((BigDecimal) rows.get(0).get("active_quantity")).toPlainString();
    }
}
