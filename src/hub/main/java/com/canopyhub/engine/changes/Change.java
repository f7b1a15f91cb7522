package com.canopyhub.engine.changes;

import com.canopyhub.canonical.CanonicalRecord;

/**
 * A new or changed canonical record: {@code oldHash} is null for a record the hub has not seen before;
 * {@code json} is its canonical JSON (what {@code newHash} was taken of), kept for sinks that send the record on.
 */
public record Change(CanonicalRecord record, String oldHash, String newHash, String json) {

    public Change(CanonicalRecord record, String oldHash, String newHash) {
        this(record, oldHash, newHash, null);
    }

    /** The record's canonical JSON, serialised now if the change was built without it. */
    public String canonicalJson() {
        return json != null ? json : ContentHasher.json(record);
    }

    public boolean created() {
        return oldHash == null;
    }
}
