package com.canopyhub.canonical;

/** The kinds of canonical record, each with the reporting table that holds it. */
public enum EntityType {
    PRODUCT("products"),
    INVENTORY_LOT("inventory_lots"),
    BATCH("batches"),
    STOCK_LEVEL("stock_levels"),
    ORDER("orders"),
    COMPANY("companies"),
    LOCATION("locations"),
    STRAIN("strains"),
    HARVEST("harvests"),
    PLANT_BATCH("plant_batches"),
    PLANT("plants"),
    SALES_RECEIPT("sales_receipts"),
    TRANSFER("transfers"),
    LAB_RESULT("lab_results"),
    UNIT_OF_MEASURE("units_of_measure"),
    FARM("farms"),
    COLLECTION_BATCH("collection_batches"),
    SHIPMENT("shipments");

    private final String table;

    EntityType(String table) {
        this.table = table;
    }

    /** Reporting table name (schema {@code reporting}). */
    public String table() {
        return table;
    }
}
