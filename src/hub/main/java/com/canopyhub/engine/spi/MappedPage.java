package com.canopyhub.engine.spi;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.EntityType;
import java.util.List;

/** One upstream page after mapping: the canonical records, and the records rejected with a reason. */
public record MappedPage(String sourceSystem, String stream, EntityType type, int pageNumber,
                         List<CanonicalRecord> records, List<RejectedRecord> rejects) {
}
