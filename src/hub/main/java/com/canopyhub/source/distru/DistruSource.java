package com.canopyhub.source.distru;

import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Source;
import com.canopyhub.engine.spi.StreamKey;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.StockLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Distru as a source of the engine: no partitions (one company per API key), the configured collections as
 * streams, each read in one window per run (open-ended where Distru filters by update time, whole otherwise).
 */
public final class DistruSource implements Source {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DistruSource.class);
    /** Products per confirming request (URL length: 40 UUIDs make about 2.5 kB of query). */
    static final int CONFIRM_PRODUCTS = 40;
    private final DistruClient client;
    private volatile boolean filterIgnoredSaid;

    private final List<String> streams;
    private final Map<String, Stream> all = new LinkedHashMap<>();
    private final DistruMapper mapper;
    private final Duration safetyLag;
    private final Duration overlap;
    private final String upstream;

    public DistruSource(DistruClient client, DistruMapper mapper, List<String> streams, Duration safetyLag,
                        Duration overlap, String upstream) {
        this.client = client;
        this.streams = List.copyOf(streams);
        Arrays.stream(DistruStream.values()).forEach(e -> all.put(e.configName(), new DistruApiStream(client, e, this)));
        this.mapper = mapper;
        this.safetyLag = safetyLag;
        this.overlap = overlap;
        this.upstream = upstream;
    }

    @Override
    public String name() {
        return DistruClient.SYSTEM;
    }

    @Override
    public String upstream() {
        return upstream;
    }

    @Override
    public List<String> partitions() {
        return List.of(StreamKey.NO_PARTITION);
    }

    @Override
    public List<Stream> streams(String partition) {
        return streams.stream().map(this::stream).toList();
    }

    @Override
    public List<String> allStreams() {
        return List.copyOf(all.keySet());
    }

    @Override
    public Duration safetyLag() {
        return safetyLag;
    }

    @Override
    public Duration overlap() {
        return overlap;
    }

    @Override
    public Stream stream(String name) {
        Stream r = all.get(name);
        if (r == null) {
            throw new IllegalArgumentException("distru has no stream '" + name + "'");
        }
        return r;
    }

    /**
     * Asks Distru for the inventory groups of the candidates' products ({@code product_ids[]}, a few at a time, each
     * answer one page: a consistent snapshot of those groups) and confirms absent every candidate not among them.
     * The answer is checked: a group of a product that was not asked for means Distru ignored the filter, said once
     * as an ERROR, and then nothing is confirmed (stock stays as last seen rather than drop to 0 on a guess).
     */
    Set<String> confirmInventoryAbsent(List<CanonicalRecord> candidates) {
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
                present.add(mapper.stockLevel(g).provenance().sourceId());
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

    @Override
    public MappedPage map(SourcePage page, String partition) {
        return mapper.map(page);
    }
}
