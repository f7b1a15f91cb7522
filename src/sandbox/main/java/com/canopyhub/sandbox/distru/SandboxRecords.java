package com.canopyhub.sandbox.distru;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes sandbox records in Distru's JSON shapes. Every value derives from (seed, collection, index, version), so
 * the same record reads the same on every request and a new version reads differently.
 */
final class SandboxRecords {

    static final DateTimeFormatter DISTRU_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String[] UNITS = {"Gram", "Each", "Eighth", "Ounce", "Pound", "Milliliter"};
    private static final String[] CATEGORY_TYPES = {"FLOWER", "PRE_ROLL", "VAPE", "EDIBLE", "CONCENTRATE", "OTHER"};
    private static final String[] PACKAGE_STATUSES = {"active", "selling", "sold", "inactive"};
    private static final String[] ORDER_STATUSES = {"PENDING", "PROCESSING", "READY_TO_SHIP", "DELIVERING", "DELIVERED", "COMPLETED", "CANCELED"};
    private static final String[] COMPANY_CATEGORIES = {"Retailer", "Distributor", "Cultivator", "Manufacturer", "Other"};

    private final long seed;
    private final SandboxSizes sizes;
    /** Inventory groups whose stock a test has set (from their next version on). */
    private final java.util.Map<Integer, String> stock = new java.util.concurrent.ConcurrentHashMap<>();

    SandboxRecords(long seed, SandboxSizes sizes) {
        this.seed = seed;
        this.sizes = sizes;
    }

    static String id(SandboxCollection c, int index) {
        return id(c.code, index);
    }

    static String id(int code, long index) {
        StringBuilder sb = new StringBuilder(36);
        hex(sb, code, 8).append("-0000-4000-8000-");
        return hex(sb, index, 12).toString();
    }

    /** The compliance label (Metrc tag) of package {@code index}. */
    static String label(int index) {
        return pad(new StringBuilder("1A4060300002EE1"), index, 9).toString();
    }

    private static StringBuilder hex(StringBuilder sb, long v, int width) {
        String h = Long.toHexString(v);
        for (int i = h.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(h);
    }

    /** Appends {@code v} zero-padded to {@code width} digits (String.format is far too slow for bulk data). */
    private static StringBuilder pad(StringBuilder sb, long v, int width) {
        String d = Long.toString(v);
        for (int i = d.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(d);
    }

    void write(JsonGenerator g, SandboxCollection c, int i, int version, long updatedAtMillis, boolean malformed,
               Poison poison) throws IOException {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + c.code * 7_919L + i * 104_729L + version * 15_485_863L);
        String updated = DISTRU_TIME.format(Instant.ofEpochMilli(updatedAtMillis));
        g.writeStartObject();
        switch (c) {
            case STRAINS -> {
                g.writeStringField("id", malformed ? null : id(c, i));
                g.writeStringField("name", "Strain " + i + (version > 0 ? " v" + version : ""));
                g.writeStringField("updated_datetime", updated);
            }
            case COMPANIES -> company(g, r, i, version, updated, malformed);
            case LOCATIONS -> {
                location(g, i, malformed);
                g.writeStringField("updated_datetime", updated);
            }
            case PRODUCTS -> product(g, r, i, version, updated, malformed, poison);
            case BATCHES -> batch(g, r, i, version, updated, malformed);
            case PACKAGES -> pkg(g, r, i, version, updated, malformed, poison);
            case INVENTORY -> inventory(g, r, i, version, updated, malformed);
            case ORDERS -> order(g, r, i, version, updated, malformed);
        }
        g.writeEndObject();
    }

    private void company(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed) throws IOException {
        g.writeStringField("category", COMPANY_CATEGORIES[i % COMPANY_CATEGORIES.length]);
        customData(g, r, 140);
        g.writeStringField("default_email", "company-" + i + "@example.com");
        g.writeStringField("id", malformed ? null : id(SandboxCollection.COMPANIES, i));
        g.writeStringField("legal_business_name", "Company Legal Name " + i);
        g.writeArrayFieldStart("licenses");
        if (i % 3 != 0) {
            g.writeStartObject();
            g.writeStringField("id", id(20, i));
            g.writeStringField("license_number", String.format(Locale.ROOT, "CDPH-%08d", i));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("locations");
        g.writeEndArray();
        g.writeStringField("name", "Company " + i + (version > 0 ? " v" + version : ""));
        g.writeStringField("phone_number", i % 2 == 0 ? null : String.format(Locale.ROOT, "555%07d", i));
        if (i % 4 == 0) {
            g.writeNullField("relationship_type");
        } else {
            g.writeObjectFieldStart("relationship_type");
            g.writeStringField("id", id(21, i % 3));
            g.writeStringField("name", i % 2 == 0 ? "Supplier" : "Customer");
            g.writeEndObject();
        }
        g.writeStringField("updated_datetime", updated);
        g.writeStringField("website", i % 5 == 0 ? null : "https://company-" + i + ".example.com");
    }

    private void location(JsonGenerator g, int i, boolean malformed) throws IOException {
        g.writeStringField("address", (100 + i) + " Fake Street, Beverly Hills, CA 88888, USA");
        g.writeStringField("company_id", id(SandboxCollection.COMPANIES, ref(i, sizes.companies())));
        g.writeStringField("id", malformed ? null : id(SandboxCollection.LOCATIONS, i));
        if (i % 2 == 0) {
            g.writeObjectFieldStart("license");
            g.writeStringField("id", id(22, i));
            g.writeStringField("license_number", String.format(Locale.ROOT, "C11-%07d-LIC", i));
            g.writeEndObject();
            g.writeStringField("license_id", id(22, i));
        } else {
            g.writeNullField("license");
            g.writeNullField("license_id");
        }
        g.writeStringField("name", "Place " + i);
    }

    private void product(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed,
                         Poison poison) throws IOException {
        if (i % 7 == 0) {
            g.writeNullField("brand");
        } else {
            g.writeObjectFieldStart("brand");
            g.writeStringField("id", id(9, i % 40));
            g.writeStringField("name", "Brand " + (i % 40));
            g.writeEndObject();
        }
        g.writeObjectFieldStart("category");
        g.writeStringField("id", id(10, i % 12));
        g.writeStringField("name", "Category " + (i % 12));
        g.writeStringField("type", CATEGORY_TYPES[i % CATEGORY_TYPES.length]);
        g.writeEndObject();
        customData(g, r, 69);
        g.writeStringField("description", i % 3 == 0 ? null : "Product " + i + " description, revision " + version);
        g.writeStringField("id", id(SandboxCollection.PRODUCTS, i));
        g.writeArrayFieldStart("images");
        for (int k = 0; k < i % 3; k++) {
            g.writeStartObject();
            g.writeStringField("id", id(11, i * 3L + k));
            g.writeStringField("name", "Image " + i + "-" + k);
            g.writeNumberField("rank", k);
            g.writeStringField("url", "https://images.example.com/" + i + "/" + k + ".jpg");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("is_active", i % 10 != 0);
        g.writeStringField("msrp", i % 4 == 0 ? null : decimal(r, 10, 200, 2));
        g.writeStringField("name", poison == Poison.NUL_IN_TEXT ? "Product\u0000 " + i : "Product " + i);
        g.writeStringField("sku", pad(new StringBuilder("SKU-"), i, 7).toString());
        if (i % 5 == 0 || sizes.strains() == 0) {
            g.writeNullField("strain");
        } else {
            g.writeObjectFieldStart("strain");
            g.writeStringField("id", id(SandboxCollection.STRAINS, ref(i, sizes.strains())));
            g.writeStringField("name", "Strain " + ref(i, sizes.strains()));
            g.writeEndObject();
        }
        g.writeObjectFieldStart("subcategory");
        g.writeStringField("id", id(12, i % 30));
        g.writeStringField("name", "Subcategory " + (i % 30));
        g.writeEndObject();
        // a malformed record carries a price that is not a number
        if (poison == Poison.HUGE_NUMBER) {
            g.writeFieldName("unit_price");
            g.writeNumber("1e200000");
        } else {
            g.writeStringField("unit_price", malformed ? "twelve dollars" : decimal(r, 1, 100, 9));
        }
        g.writeObjectFieldStart("unit_type");
        g.writeStringField("id", id(13, i % UNITS.length));
        g.writeStringField("name", UNITS[i % UNITS.length]);
        g.writeEndObject();
        g.writeStringField("units_per_case", i % 2 == 0 ? null : String.valueOf(6 + i % 20));
        g.writeStringField("updated_datetime", updated);
        g.writeObjectFieldStart("vendor");
        g.writeStringField("id", id(SandboxCollection.COMPANIES, ref(i, sizes.companies())));
        g.writeStringField("name", "Company " + ref(i, sizes.companies()));
        g.writeEndObject();
    }

    private void batch(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed) throws IOException {
        g.writeStringField("batch_number", i % 4 == 0 ? null : "BN-" + i);
        customData(g, r, 14);
        g.writeStringField("description", i % 2 == 0 ? null : "Batch " + i + " revision " + version);
        g.writeStringField("expiration_date", i % 3 == 0 ? null : DISTRU_TIME.format(Instant.parse("2027-01-01T00:00:00Z").plusSeconds(86_400L * (i % 365))));
        g.writeStringField("id", malformed ? null : id(SandboxCollection.BATCHES, i));
        g.writeStringField("name", "B" + i);
        g.writeStringField("owner_id", id(14, i % 9));
        testResult(g, r, i);
        g.writeStringField("product_id", id(SandboxCollection.PRODUCTS, ref(i, sizes.products())));
        g.writeStringField("updated_datetime", updated);
    }

    private void pkg(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed,
                     Poison poison) throws IOException {
        g.writeStringField("batch_number", i % 3 == 0 ? null : "BN-" + ref(i, sizes.batches()));
        g.writeStringField("compliance_label", label(i));
        customData(g, r, 139);
        g.writeStringField("expiration_date", i % 2 == 0 ? null : "2027-01-01T00:00:00.000000Z");
        g.writeStringField("id", id(SandboxCollection.PACKAGES, i));
        g.writeBooleanField("is_trade_sample", i % 25 == 0);
        g.writeObjectFieldStart("license");
        g.writeStringField("id", id(22, i % 4));
        g.writeStringField("license_number", pad(new StringBuilder("CDPH-"), i % 4, 8).toString());
        g.writeEndObject();
        g.writeObjectFieldStart("location");
        int loc = ref(i, sizes.locations());
        g.writeStringField("id", id(SandboxCollection.LOCATIONS, loc));
        g.writeStringField("name", poison == Poison.NUL_IN_TEXT ? "Place\u0000" + loc : "Place " + loc);
        g.writeEndObject();
        g.writeStringField("metrc_label", label(i));
        testResult(g, r, i);
        g.writeStringField("product_id", id(SandboxCollection.PRODUCTS, ref(i, sizes.products())));
        g.writeStringField("product_unit_quantity", decimal(r, 1, 50, 9));
        g.writeObjectFieldStart("product_unit_type");
        g.writeStringField("id", id(13, i % UNITS.length));
        g.writeStringField("name", UNITS[i % UNITS.length]);
        g.writeEndObject();
        String quantity = decimal(r, 0, 1000, 9);
        // a malformed package carries a quantity that is not a number
        if (poison == Poison.HUGE_NUMBER) {
            g.writeFieldName("quantity");
            g.writeNumber("1e200000");
        } else {
            g.writeStringField("quantity", malformed ? "12,5 g" : quantity);
        }
        g.writeStringField("quantity_assembling", "0.000000000");
        g.writeStringField("quantity_available", quantity);
        g.writeStringField("status", PACKAGE_STATUSES[(i + version) % PACKAGE_STATUSES.length]);
        g.writeObjectFieldStart("unit_type");
        g.writeStringField("id", id(13, (i + 1) % UNITS.length));
        g.writeStringField("name", UNITS[(i + 1) % UNITS.length]);
        g.writeEndObject();
        g.writeStringField("updated_datetime", updated);
    }

    /** Orders whose order date a test moved (from their next version on). */
    private final java.util.Map<Integer, Instant> orderDates = new java.util.concurrent.ConcurrentHashMap<>();

    /** Order {@code i}'s order date: an hour apart by default, later for later orders. */
    Instant orderedAt(int i) {
        Instant moved = orderDates.get(i);
        return moved != null ? moved : Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3_600L * i);
    }

    void setOrderDate(int i, Instant at) {
        orderDates.put(i, at);
    }

    boolean orderDatesMoved() {
        return !orderDates.isEmpty();
    }

    void setStock(int inventoryIndex, java.math.BigDecimal quantity) {
        stock.put(inventoryIndex, quantity.toPlainString());
    }

    /** Whether inventory group {@code i} holds nothing (active = available = 0): Distru then leaves it out. */
    boolean soldOut(int i) {
        String set = stock.get(i);
        return set != null && new java.math.BigDecimal(set).signum() == 0;
    }

    /** The product of inventory group {@code i}. */
    static String inventoryProductId(int i) {
        return id(SandboxCollection.PRODUCTS, i);
    }

    private void inventory(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed) throws IOException {
        String generated = decimal(r, 1, 500, 9);
        String active = stock.getOrDefault(i, generated);
        g.writeStringField("active", malformed ? "lots" : active);
        g.writeStringField("available", active);
        g.writeStringField("batch_number", i % 2 == 0 ? null : "BN-" + i);
        g.writeStringField("location_id", id(SandboxCollection.LOCATIONS, ref(i, sizes.locations())));
        // each group is its own (product, location, batch) combination
        g.writeStringField("product_id", inventoryProductId(i));
        g.writeStringField("updated_datetime", updated);
    }

    private void order(JsonGenerator g, SplittableRandom r, int i, int version, String updated, boolean malformed) throws IOException {
        int loc = ref(i, sizes.locations());
        g.writeObjectFieldStart("billing_location");
        location(g, loc, false);
        g.writeEndObject();
        g.writeArrayFieldStart("charges");
        g.writeEndArray();
        g.writeObjectFieldStart("company");
        int company = ref(i, sizes.companies());
        g.writeStringField("id", id(SandboxCollection.COMPANIES, company));
        g.writeStringField("name", "Company " + company);
        g.writeEndObject();
        customData(g, r, 199);
        Instant ordered = orderedAt(i);
        g.writeStringField("delivery_datetime", DISTRU_TIME.format(ordered.plusSeconds(86_400 * 3)));
        g.writeStringField("due_datetime", DISTRU_TIME.format(ordered.plusSeconds(86_400 * 7)));
        g.writeStringField("id", malformed ? null : id(SandboxCollection.ORDERS, i));
        g.writeStringField("inserted_datetime", DISTRU_TIME.format(ordered));
        g.writeStringField("internal_notes", i % 2 == 0 ? null : "Notes for order " + i + " v" + version);
        g.writeArrayFieldStart("items");
        long total = 0;
        int lines = 1 + i % 3;
        for (int k = 0; k < lines; k++) {
            int product = ref(i * 3 + k, sizes.products());
            long qty = 1 + r.nextInt(20);
            long price = 100 + r.nextInt(9_900);
            total += qty * price;
            g.writeStartObject();
            g.writeObjectFieldStart("batch");
            g.writeStringField("batch_number", "BN-" + product);
            g.writeStringField("id", id(SandboxCollection.BATCHES, ref(product, sizes.batches())));
            g.writeStringField("name", "B" + product);
            g.writeEndObject();
            g.writeStringField("id", id(15, i * 3L + k));
            g.writeObjectFieldStart("package");
            g.writeStringField("compliance_label", label(product));
            g.writeStringField("id", id(SandboxCollection.PACKAGES, product));
            g.writeEndObject();
            g.writeStringField("price", String.format(Locale.ROOT, "%d.%02d0000000", price / 100, price % 100));
            g.writeStringField("price_base", String.format(Locale.ROOT, "%d.%02d", price / 100, price % 100));
            g.writeObjectFieldStart("product");
            g.writeStringField("id", id(SandboxCollection.PRODUCTS, product));
            g.writeStringField("name", "Product " + product);
            g.writeStringField("sku", pad(new StringBuilder("SKU-"), product, 7).toString());
            g.writeEndObject();
            g.writeStringField("quantity", qty + ".000000000");
            g.writeStringField("returned_quantity", "0");
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("order_datetime", DISTRU_TIME.format(ordered));
        g.writeStringField("order_number", "SO-" + String.format(Locale.ROOT, "%06d", i));
        g.writeStringField("status", ORDER_STATUSES[(i + version) % ORDER_STATUSES.length]);
        g.writeStringField("total", String.format(Locale.ROOT, "%d.%02d", total / 100, total % 100));
        g.writeStringField("updated_datetime", updated);
    }

    private static void customData(JsonGenerator g, SplittableRandom r, int fieldId) throws IOException {
        g.writeArrayFieldStart("custom_data");
        g.writeStartObject();
        g.writeNumberField("id", 64_000 + fieldId);
        g.writeStringField("name", "Custom Field " + fieldId);
        int v = r.nextInt(4);
        g.writeStringField("value", v == 0 ? null : "Custom Value " + v);
        g.writeEndObject();
        g.writeEndArray();
    }

    private static void testResult(JsonGenerator g, SplittableRandom r, int i) throws IOException {
        if (i % 2 == 0) {
            g.writeNullField("primary_test_result");
            return;
        }
        g.writeObjectFieldStart("primary_test_result");
        g.writeStringField("cbd_mg_per_unit", decimal(r, 0, 5, 2));
        g.writeStringField("cbd_mg_per_unit_total", decimal(r, 0, 50, 2));
        g.writeStringField("cbd_percentage", decimal(r, 0, 2, 3));
        g.writeStringField("cbd_percentage_total", decimal(r, 0, 3, 3));
        g.writeStringField("mg_per_unit_type", "mg/g");
        g.writeStringField("name", "COA-" + i + ".pdf");
        g.writeStringField("thc_mg_per_unit", decimal(r, 0, 300, 2));
        g.writeStringField("thc_mg_per_unit_total", decimal(r, 0, 3000, 2));
        g.writeStringField("thc_percentage", decimal(r, 10, 35, 3));
        g.writeStringField("thc_percentage_total", decimal(r, 12, 38, 3));
        g.writeEndObject();
    }

    /** Index of the record another record refers to; a collection of size 0 still yields a (dangling) id. */
    private static int ref(int i, int size) {
        return size <= 0 ? 0 : i % size;
    }

    /** A decimal string in [min, max) with exactly {@code scale} digits after the point. */
    private static String decimal(SplittableRandom r, int min, int max, int scale) {
        long whole = min + r.nextInt(Math.max(1, max - min));
        long frac = (long) (r.nextDouble() * POWERS_OF_TEN[scale]);
        return scale == 0 ? Long.toString(whole) : pad(new StringBuilder().append(whole).append('.'), frac, scale).toString();
    }

    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L};
}
