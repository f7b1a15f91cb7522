package com.canopyhub.sink.marketplace;

import static com.canopyhub.sink.marketplace.MarketplaceTesting.awaitSettled;
import static com.canopyhub.sink.marketplace.MarketplaceTesting.harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TerraVault from the outbox, end to end: a real hub on real PostgreSQL syncs the Distru sandbox, the marketplace
 * routes push to the stateful TerraVault sandbox over HTTP.
 */
class TerraVaultSinkTest {

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
