package com.canopyhub.sandbox.distru;

/**
 * A value that is valid JSON but that PostgreSQL cannot store, as a live upstream occasionally sends. The sandbox
 * puts one into a product or a package (docs/distru-sandbox.md).
 */
public enum Poison {
    /** A NUL character (U+0000) in a text: products in their name, packages in their location name. */
    NUL_IN_TEXT,
    /** A number beyond NUMERIC's 131,072 digits ({@code 1e200000}): products as unit_price, packages as quantity. */
    HUGE_NUMBER
}
