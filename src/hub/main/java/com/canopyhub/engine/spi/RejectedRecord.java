package com.canopyhub.engine.spi;

/** An upstream record that could not be mapped: kept whole, with the reason, for the dead-letter store. */
public record RejectedRecord(String sourceSystem, String stream, String sourceId, String payload, String reason) {
}
