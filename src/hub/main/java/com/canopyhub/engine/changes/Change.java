package com.canopyhub.engine.changes;

import com.canopyhub.canonical.Tombstone;

import com.canopyhub.canonical.CanonicalRecord;

/**
 * A new or changed canonical record: {@code oldHash} is null for a record the hub has not seen before;
 * {@code json} is its canonical JSON (what {@code newHash} was taken of), kept for sinks that send the record on.
 * A {@link Tombstone} record is a deletion; {@code restored} marks a record the hub held as deleted that the upstream
 * serves again.
 */
public record Change(CanonicalRecord record, String oldHash, String newHash, String json, boolean restored) {

    public Change(CanonicalRecord record, String oldHash, String newHash, String json) {
        this(record, oldHash, newHash, json, false);
    }

    public Change(CanonicalRecord record, String oldHash, String newHash) {
        this(record, oldHash, newHash, null, false);
    }

    /** The record is gone upstream (a complete snapshot no longer holds it). */
    public boolean deleted() {
        return record instanceof Tombstone;
    }

    /** CREATED, UPDATED, DELETED or RESTORED: {@code hub.record_changes.change_type}. */
    public String kind() {
        return deleted() ? "DELETED" : restored ? "RESTORED" : created() ? "CREATED" : "UPDATED";
    }

    /** The record's canonical JSON, serialised now if the change was built without it. */
    public String canonicalJson() {
        return json != null ? json : ContentHasher.json(record);
    }

    public boolean created() {
        return oldHash == null;
    }
}
