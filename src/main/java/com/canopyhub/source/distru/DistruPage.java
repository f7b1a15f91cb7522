package com.canopyhub.source.distru;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page of raw Distru records, and whether another page follows. */
public record DistruPage(DistruEntity entity, int number, List<JsonNode> records, boolean hasMore) {
}
