package com.canopyhub.source.metrc;

import com.canopyhub.canonical.EntityType;
import com.canopyhub.engine.spi.ChildStream;
import com.canopyhub.engine.spi.ParentRecords;
import com.canopyhub.engine.spi.ParentSelection;
import com.canopyhub.engine.spi.Windowing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code labresults} stream of a licence, a child of its packages: Metrc has no "results changed since" list, so
 * the hub asks for the results of packages by package id (GET /labtests/v2/results?packageId=). Which packages: those
 * the packages streams (read before this one in the licence's pass) stored that Metrc modified in the slice
 * ({@code LastModified}) and that are in a tested state ({@code LabTestingState} other than {@code NotSubmitted}), and
 * either have no results stored yet (a package tested before its last modification, or before the hub first read
 * it) or whose {@code LabTestingStateDate} (the facility's local date) falls in the slice (a re-test). The engine pages
 * them from the canonical store ({@link ParentSelection}); a page is up to 20 packages, each with its results as
 * {@code LabResults}; the page count is the number of packages, so a slice is read completely. A window's overlap
 * re-asks the packages of its first minutes; unchanged results write nothing.
 */
public final class MetrcLabResultsStream implements ChildStream {

    private static final ParentSelection TESTED_PACKAGES = new ParentSelection(EntityType.INVENTORY_LOT, "LabTestingState",
            "NotSubmitted", EntityType.LAB_RESULT, "LabTestingStateDate", MetrcClient.PAGE_SIZE);

    private final MetrcClient client;

    public MetrcLabResultsStream(MetrcClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return MetrcStream.LAB_RESULTS.configName();
    }

    @Override
    public Windowing windowing() {
        return Windowing.CLOSED;
    }

    @Override
    public ParentSelection parents() {
        return TESTED_PACKAGES;
    }

    @Override
    public JsonNode readFor(String licenseNumber, ParentRecords.Parent parent) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("PackageId", parent.sourceId());
        record.put("Label", parent.label());
        record.putArray("LabResults").addAll(client.labResults(licenseNumber, parent.sourceId()));
        return record;
    }
}
