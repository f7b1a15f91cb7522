package com.canopyhub.sandbox.distru;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Distru collections the sandbox serves, with the page sizes and filters the Distru reference documents.
 * Kept apart from the hub's connector on purpose: the simulator states what the API does, the connector
 * what the hub believes, and the tests find where they disagree.
 */
public enum SandboxCollection {
    STRAINS("strains", "/public/v1/strains", 50_000, true, 1),
    COMPANIES("companies", "/public/v1/companies", 5_000, true, 2),
    LOCATIONS("locations", "/public/v1/locations", 1_000, true, 3),
    PRODUCTS("products", "/public/v1/products", 5_000, true, 4),
    BATCHES("batches", "/public/v1/batches", 5_000, true, 5),
    PACKAGES("packages", "/public/v1/packages", 5_000, true, 6),
    INVENTORY("inventory", "/public/v1/inventory", 5_000, false, 7),
    ORDERS("orders", "/public/v1/orders", 500, true, 8);

    final String name;
    final String path;
    final int pageSize;
    final boolean updatedFilter;
    final int code;

    SandboxCollection(String name, String path, int pageSize, boolean updatedFilter, int code) {
        this.name = name;
        this.path = path;
        this.pageSize = pageSize;
        this.updatedFilter = updatedFilter;
        this.code = code;
    }

    public int pageSize() {
        return pageSize;
    }

    static Optional<SandboxCollection> byPath(String path) {
        return Arrays.stream(values()).filter(c -> c.path.equals(path)).findFirst();
    }

}
