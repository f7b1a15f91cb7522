package com.canopyhub.sandbox.distru;

import java.util.EnumMap;
import java.util.Map;

/** How many records each sandbox collection starts with. */
public final class SandboxSizes {

    private final Map<SandboxCollection, Integer> counts = new EnumMap<>(SandboxCollection.class);

    private SandboxSizes() {
    }

    /** Every collection with {@code n} records. */
    public static SandboxSizes uniform(int n) {
        SandboxSizes s = new SandboxSizes();
        for (SandboxCollection c : SandboxCollection.values()) {
            s.counts.put(c, n);
        }
        return s;
    }

    public SandboxSizes with(SandboxCollection c, int n) {
        counts.put(c, n);
        return this;
    }

    public int of(SandboxCollection c) {
        return counts.getOrDefault(c, 0);
    }

    int strains() {
        return of(SandboxCollection.STRAINS);
    }

    int companies() {
        return of(SandboxCollection.COMPANIES);
    }

    int locations() {
        return of(SandboxCollection.LOCATIONS);
    }

    int products() {
        return of(SandboxCollection.PRODUCTS);
    }

    int batches() {
        return of(SandboxCollection.BATCHES);
    }
}
