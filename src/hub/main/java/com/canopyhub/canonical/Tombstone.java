package com.canopyhub.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A record the upstream no longer holds: what a complete, unfiltered snapshot pass turns a stored record into when
 * it is no longer served (docs/sync-engine.md, "Absence from a snapshot"). It travels the change stream like any
 * change: the reporting row keeps its last content and gets {@code deleted_at}, the change log a {@code DELETED} row,
 * the outbox a {@code <type>.deleted} event. Its content hash depends only on the record's identity, so marking an
 * already deleted record again changes nothing, and a record that comes back differs from it (a restore).
 *
 * @param deletedType     the canonical type of the record that is gone
 * @param sourceUpdatedAt the last modification time the hub saw of it (null when the source states none): a source
 *                        may use it to confirm the absence ({@code Stream.confirmAbsent})
 */
public record Tombstone(UUID canonicalId, Provenance provenance, EntityType deletedType,
                        @JsonInclude(JsonInclude.Include.NON_NULL)
                        Instant sourceUpdatedAt) implements CanonicalRecord {

    @Override
    public Map<String, JsonNode> attributes() {
        return Map.of();
    }

    @Override
    public EntityType entityType() {
        return deletedType;
    }
}
