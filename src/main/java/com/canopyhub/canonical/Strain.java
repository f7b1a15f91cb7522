package com.canopyhub.canonical;

import java.time.Instant;
import java.util.UUID;

/** A cannabis strain (genetics) that products reference. */
public record Strain(UUID canonicalId, Provenance provenance, String name, Instant sourceUpdatedAt)
        implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.STRAIN;
    }
}
