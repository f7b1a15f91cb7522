package com.canopyhub.source.metrc;

import com.canopyhub.sync.PageRequest;
import com.canopyhub.sync.SourcePage;
import com.canopyhub.sync.StreamReader;
import com.canopyhub.sync.Windowing;

/** One Metrc list endpoint as a stream of the engine; the partition is the licence number. */
public final class MetrcStreamReader implements StreamReader {

    private final MetrcClient client;
    private final MetrcStream stream;

    public MetrcStreamReader(MetrcClient client, MetrcStream stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public String stream() {
        return stream.configName();
    }

    @Override
    public Windowing windowing() {
        return stream.windowing();
    }

    /**
     * A page of the stream. Sales receipts whose list entry carries no transactions although it sold packages (the
     * list may leave them out, as Metrc's own example does) are completed from GET /sales/v2/receipts/{id}.
     */
    @Override
    public SourcePage read(String licenseNumber, PageRequest request) {
        SourcePage page = client.fetchPage(stream, licenseNumber, request);
        if (stream.canonicalType() != com.canopyhub.canonical.EntityType.SALES_RECEIPT) {
            return page;
        }
        java.util.List<com.fasterxml.jackson.databind.JsonNode> records = new java.util.ArrayList<>(page.records().size());
        for (com.fasterxml.jackson.databind.JsonNode r : page.records()) {
            boolean missing = r.path("Transactions").isArray() && r.path("Transactions").isEmpty()
                    && r.path("TotalPackages").asInt(0) > 0 && r.path("Id").isValueNode();
            records.add(missing ? client.receipt(licenseNumber, r.get("Id").asText()) : r);
        }
        return new SourcePage(page.stream(), page.request(), records, page.hasMore(), page.total());
    }
}
