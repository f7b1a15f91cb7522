package com.canopyhub.engine.spi;

import com.canopyhub.canonical.EntityType;

/**
 * Which stored parent records a slice of a {@link ChildStream} is made of: the partition's records of
 * {@code parentType} whose source update time is in the slice (half-open, so adjacent slices never both take one),
 * whose custom-data {@code stateKey} is set to something other than {@code inactiveState} (absent counts as
 * {@code inactiveState}), and that either have no record of {@code childType} stored before the slice's end, or whose
 * custom-data {@code stateDateKey} (a local date) falls in the slice widened by a day on each side (time zones).
 * "Stored before the slice's end" keeps the set still while it is paged: what this pass writes is stored later.
 *
 * @param pageSize parents per page
 */
public record ParentSelection(EntityType parentType, String stateKey, String inactiveState,
                              EntityType childType, String stateDateKey, int pageSize) {
}
