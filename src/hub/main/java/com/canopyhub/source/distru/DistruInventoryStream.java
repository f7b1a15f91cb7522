package com.canopyhub.source.distru;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Quantity;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.engine.spi.GoneState;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.Windowing;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distru's inventory as a stream: no date filter, so a snapshot read whole each pass. Distru leaves out groups with 0
 * active and 0 available (distru-api.txt, inventory), so a group a complete snapshot no longer serves holds nothing:
 * its stock level turns to 0 (in the same unit), once Distru confirms the absence by a read of just its product.
 */
public final class DistruInventoryStream implements Stream {

    private static final Logger LOG = LoggerFactory.getLogger(DistruInventoryStream.class);
    /** Products per confirming request (URL length: 40 UUIDs make about 2.5 kB of query). */
    static final int CONFIRM_PRODUCTS = 40;

    private final DistruClient client;
    private final DistruMapper mapper;
    private volatile boolean filterIgnoredSaid;

    DistruInventoryStream(DistruClient client, DistruMapper mapper) {
        this.client = client;
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return DistruStream.INVENTORY.configName();
    }

    @Override
    public Windowing windowing() {
        return Windowing.SNAPSHOT;
    }

    @Override
    public SourcePage read(String partition, PageRequest request) {
        return client.fetchPage(DistruStream.INVENTORY, request);
    }

    @Override
    public GoneState goneState() {
        return new GoneState(EntityType.STOCK_LEVEL, last -> {
            StockLevel s = (StockLevel) last;
            return new StockLevel(s.canonicalId(), s.provenance(), s.productSourceId(), s.locationSourceId(), s.batchNumber(),
                    new Quantity(BigDecimal.ZERO, s.active().unit()), new Quantity(BigDecimal.ZERO, s.available().unit()),
                    s.sourceUpdatedAt(), s.attributes());
        });
    }

    /**
     * Asks Distru for the inventory groups of the candidates' products ({@code product_ids[]}, a few at a time, each
     * answer one page: a consistent snapshot of those groups) and confirms absent every candidate not among them.
     * The answer is checked: a group of a product that was not asked for means Distru ignored the filter, said once
     * as an ERROR, and then nothing is confirmed (stock stays as last seen rather than drop to 0 on a guess).
     */
    @Override
    public Set<String> confirmAbsent(String partition, List<CanonicalRecord> candidates) {
        Map<String, List<String>> byProduct = new LinkedHashMap<>();
        for (CanonicalRecord r : candidates) {
            byProduct.computeIfAbsent(((StockLevel) r).productSourceId(), k -> new ArrayList<>()).add(r.provenance().sourceId());
        }
        Set<String> absent = new HashSet<>();
        List<String> products = new ArrayList<>(byProduct.keySet());
        for (int from = 0; from < products.size(); from += CONFIRM_PRODUCTS) {
            if (!confirm(products.subList(from, Math.min(products.size(), from + CONFIRM_PRODUCTS)), byProduct, absent)) {
                return Set.of();
            }
        }
        return absent;
    }

    /** Confirms one group of products; false when Distru ignored the filter (nothing can be confirmed). */
    private boolean confirm(List<String> products, Map<String, List<String>> byProduct, Set<String> absent) {
        SourcePage page = client.fetchInventoryOf(products);
        if (page.hasMore()) {
            if (products.size() > 1) {
                int half = products.size() / 2;
                return confirm(products.subList(0, half), byProduct, absent) && confirm(products.subList(half, products.size()), byProduct, absent);
            }
            LOG.warn("distru/inventory: product {} has more than a page of stock groups; its absent groups are not confirmed", products.get(0));
            return true;
        }
        Set<String> asked = new HashSet<>(products);
        Set<String> present = new HashSet<>();
        for (com.fasterxml.jackson.databind.JsonNode g : page.records()) {
            String product = g.path("product_id").asText(null);
            if (product == null || !asked.contains(product)) {
                if (!filterIgnoredSaid) {
                    filterIgnoredSaid = true;
                    LOG.error("distru: GET /public/v1/inventory ignored product_ids[] (it answered product {} when asked for {}); "
                            + "stock groups missing from a multi-page inventory pass are not confirmed gone and keep their last "
                            + "stock", product, products.get(0));
                }
                return false;
            }
            try {
                present.add(mapper.stockLevel(com.canopyhub.source.UpstreamObject.of(g)).provenance().sourceId());
            } catch (RuntimeException unmappable) {
                return true; // cannot tell which group it is: confirm nothing of these products
            }
        }
        for (String product : products) {
            for (String id : byProduct.get(product)) {
                if (!present.contains(id)) {
                    absent.add(id);
                }
            }
        }
        return true;
    }
}
