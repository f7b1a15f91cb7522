package com.canopyhub.canonical;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** A record of the canonical model: every sink depends on this contract (see docs/canonical-model.md). */
public sealed interface CanonicalRecord
        permits Product, InventoryLot, Batch, StockLevel, Order, Company, Location, Strain, Harvest, PlantBatch, Plant,
        SalesReceipt, Transfer, LabResult, UnitOfMeasure, Farm, CollectionBatch, Shipment, Tombstone {

    UUID canonicalId();

    Provenance provenance();

    /**
     * Extra source fields declared in a mapping file (config/mappings/SOURCE-STREAM.yaml): attribute name to the
     * JSON value as the source sent it. Empty unless declared; left out of the JSON (and so of the content hash)
     * when empty.
     */
    Map<String, JsonNode> attributes();

    @JsonIgnore
    EntityType entityType();

    /**
     * This record without personal data, for everything that leaves the reporting table (events, dead letters, logs):
     * itself unless the record carries some (a farmer's phone).
     */
    default CanonicalRecord withoutPersonalData() {
        return this;
    }

    /** A stable id derived from the stream type and provenance, identical on every node and every run. */
    static UUID canonicalId(EntityType type, String sourceSystem, String sourceId) {
        return UUID.nameUUIDFromBytes((type.name() + ':' + sourceSystem + ':' + sourceId).getBytes(StandardCharsets.UTF_8));
    }
}
