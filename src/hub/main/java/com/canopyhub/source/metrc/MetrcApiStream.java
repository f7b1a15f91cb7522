package com.canopyhub.source.metrc;

import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.canopyhub.engine.spi.Stream;
import com.canopyhub.engine.spi.Windowing;

/** One Metrc list endpoint (its path and filters: {@link MetrcStream}) as a stream of the engine; the partition is the licence number. */
public final class MetrcApiStream implements Stream {

    private final MetrcClient client;
    private final MetrcStream stream;

    public MetrcApiStream(MetrcClient client, MetrcStream stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public String name() {
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
        if (stream.canonicalType() == com.canopyhub.canonical.EntityType.TRANSFER) {
            return withDeliveries(page, licenseNumber);
        }
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

    /**
     * Each transfer of the page with its deliveries (GET /transfers/v2/{id}/deliveries) and each delivery with its
     * packages (GET /transfers/v2/deliveries/{id}/packages), as {@code Deliveries[].Packages[]} in the record the
     * mapper reads: a transfer is one record, whatever its size.
     */
    private SourcePage withDeliveries(SourcePage page, String licenseNumber) {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> records = new java.util.ArrayList<>(page.records().size());
        for (com.fasterxml.jackson.databind.JsonNode r : page.records()) {
            if (!r.isObject() || !r.path("Id").isValueNode()) {
                records.add(r); // the mapper rejects it with its reason
                continue;
            }
            com.fasterxml.jackson.databind.node.ObjectNode transfer = ((com.fasterxml.jackson.databind.node.ObjectNode) r).deepCopy();
            com.fasterxml.jackson.databind.node.ArrayNode deliveries = transfer.putArray("Deliveries");
            for (com.fasterxml.jackson.databind.JsonNode d : client.subList("/transfers/v2/" + r.get("Id").asText() + "/deliveries", licenseNumber)) {
                com.fasterxml.jackson.databind.node.ObjectNode delivery = d.isObject()
                        ? ((com.fasterxml.jackson.databind.node.ObjectNode) d).deepCopy() : null;
                if (delivery == null || !d.path("Id").isValueNode()) {
                    continue;
                }
                com.fasterxml.jackson.databind.node.ArrayNode packages = delivery.putArray("Packages");
                client.subList("/transfers/v2/deliveries/" + d.get("Id").asText() + "/packages", licenseNumber).forEach(packages::add);
                deliveries.add(delivery);
            }
            records.add(transfer);
        }
        return new SourcePage(page.stream(), page.request(), records, page.hasMore(), page.total());
    }
}
