package com.canopyhub.sync;

import com.canopyhub.canonical.CanonicalRecord;

/** A new or changed canonical record: {@code oldHash} is null for a record the hub has not seen before. */
public record Change(CanonicalRecord record, String oldHash, String newHash) {
    public boolean created() {
        return oldHash == null;
    }
}
