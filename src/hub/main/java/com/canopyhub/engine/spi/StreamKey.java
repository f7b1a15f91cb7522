package com.canopyhub.engine.spi;

/**
 * How a (stream, partition) reads in logs, summaries and errors: {@code products} for a stream without
 * partitions (partition ''), {@code packages[C11-0000001-LIC]} for one partition of a partitioned stream.
 */
public final class StreamKey {

    /** The partition of a stream that has none. */
    public static final String NO_PARTITION = "";

    private StreamKey() {
    }

    public static String label(String stream, String partition) {
        return partition == null || partition.isEmpty() ? stream : stream + "[" + partition + "]";
    }
}
