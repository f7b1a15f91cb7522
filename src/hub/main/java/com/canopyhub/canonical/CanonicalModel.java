package com.canopyhub.canonical;

/**
 * Version of the canonical model contract. Bump the major version for any change a sink could notice
 * (renamed or removed field, changed unit or meaning); adding a nullable field is a minor change.
 * The contract is documented in docs/canonical-model.md.
 */
public final class CanonicalModel {
    public static final String VERSION = "2.1";

    private CanonicalModel() {
    }
}
