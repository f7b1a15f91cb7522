package com.canopyhub.canonical;

import java.time.Instant;
import java.util.UUID;

/** A physical place (warehouse, store, shipping address), licensed where {@code provenance.licenseNumber} is set. */
public record Location(UUID canonicalId, Provenance provenance, String name, String address, String companySourceId,
                       String licenseSourceId, Instant sourceUpdatedAt) implements CanonicalRecord {
    @Override
    public EntityType entityType() {
        return EntityType.LOCATION;
    }
}
