package com.canopyhub.engine.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stream read per record of a parent stream (airbyte-cdk's {@code HttpSubStream}): Metrc's lab results are asked
 * package by package. Its pages are parent records the canonical store holds (the parent streams run before it in
 * the partition's pass), chosen by {@link #parents()} for the slice, in a stable order so a slice pages completely;
 * the engine pages them ({@link ParentRecords}) and asks the child for each parent's record. The child never reads
 * the store itself.
 */
public interface ChildStream extends Stream {

    /** Which stored parent records a slice is made of. */
    ParentSelection parents();

    /** The child's raw record for one parent (blocking, one or more upstream calls). */
    JsonNode readFor(String partition, ParentRecords.Parent parent);

    /** A child stream is read through its parents; the engine never calls this. */
    @Override
    default SourcePage read(String partition, PageRequest request) {
        throw new UnsupportedOperationException(name() + " is read through its parent records (ParentRecords)");
    }
}
