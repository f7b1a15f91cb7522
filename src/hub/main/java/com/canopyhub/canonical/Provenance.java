package com.canopyhub.canonical;

/**
 * Where a canonical record came from.
 *
 * @param sourceSystem  e.g. {@code distru}
 * @param sourceId      the record's id in that system
 * @param licenseNumber the state license the record belongs to, where one applies (else null)
 */
public record Provenance(String sourceSystem, String sourceId, String licenseNumber) {
    public Provenance {
        if (sourceSystem == null || sourceSystem.isBlank() || sourceId == null || sourceId.isBlank()) {
            throw new IllegalArgumentException("provenance needs a source system and a source id");
        }
    }
}
