package com.canopyhub.source;

/** One upstream record cannot be mapped to the canonical model; the reason says which field and why. */
public class RecordRejectedException extends RuntimeException {
    public RecordRejectedException(String reason) {
        super(reason);
    }
}
