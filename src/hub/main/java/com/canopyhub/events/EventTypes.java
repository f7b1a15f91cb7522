package com.canopyhub.events;

import com.canopyhub.canonical.CanonicalRecord;
import com.canopyhub.canonical.CollectionBatch;
import com.canopyhub.canonical.EntityType;
import com.canopyhub.canonical.Farm;
import com.canopyhub.canonical.Shipment;
import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.Order;
import com.canopyhub.canonical.Product;
import com.canopyhub.canonical.StockLevel;
import com.canopyhub.canonical.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import com.canopyhub.engine.changes.Change;
import java.util.Map;
import java.util.Objects;

/**
 * Which events a change means, in TerraVault's vocabulary (../shared/reference/terravault-partner-api.txt), so a
 * consumer that knows its events knows the hub's. docs/events.md is the table.
 * <ul>
 *   <li>Product: {@code product.created}, {@code product.updated} (from product records only).</li>
 *   <li>InventoryLot, StockLevel: {@code inventory.updated} (a lot or stock change never emits product.*); a Metrc
 *       package also {@code package.created} / {@code package.updated}.</li>
 *   <li>Order: {@code order.created}; then its status transitions (Distru): into PROCESSING {@code order.confirmed},
 *       into READY_TO_SHIP or DELIVERING {@code order.shipped}, into DELIVERED or COMPLETED {@code order.delivered}
 *       (once: not again from DELIVERED to COMPLETED). Other changes of an order, and CANCELED, emit nothing.</li>
 *   <li>Transfer (Metrc): {@code transfer.created}, {@code transfer.updated}.</li>
 *   <li>Farm, CollectionBatch, Shipment (OriginTrace): {@code farm.created}, {@code collection_batch.created},
 *       {@code shipment.created}; then {@code farm.compliance_changed} (compliance status), {@code shipment.status_changed}
 *       and {@code shipment.readiness_changed} (score or decision).</li>
 *   <li>Deletions (a record a complete snapshot no longer holds) and restores (it came back):
 *       {@code <kind>.deleted} / {@code <kind>.restored} for products, orders, farms, collection batches and shipments.</li>
 * </ul>
 * Other records (strains, companies, locations, batches, harvests, plants, ...) emit no event.
 */
public final class EventTypes {

    /** Every event type the hub emits (docs/events.md); subscriptions name these or patterns of them. */
    public static final List<String> ALL = List.of("product.created", "product.updated", "inventory.updated",
            "inventory.low_stock", "package.created", "package.updated", "order.created", "order.confirmed", "order.shipped",
            "order.delivered", "transfer.created", "transfer.updated", "document.expiring", "marketplace_order.created",
            "marketplace_order.confirmed", "marketplace_order.shipped", "marketplace_order.delivered", "marketplace_order.disputed",
            "product.deleted", "product.restored", "order.deleted", "order.restored", "farm.created", "farm.compliance_changed",
            "farm.deleted", "farm.restored", "collection_batch.created", "collection_batch.deleted", "collection_batch.restored",
            "shipment.created", "shipment.status_changed", "shipment.readiness_changed", "shipment.deleted", "shipment.restored",
            // operational alerts (observe/Alerts, docs/operations.md): a subscription gets them only by naming them (hub.*)
            "hub.stream.failed", "hub.stream.stale", "hub.stream.recovered", "hub.webhook.exhausted", "hub.webhook.endpoint_disabled",
            "hub.marketplace.stopped");

    /** The event kind of the types whose deletions and restores are events ({@code <kind>.deleted}, {@code <kind>.restored}). */
    private static final Map<EntityType, String> DELETABLE = Map.of(EntityType.PRODUCT, "product",
            EntityType.ORDER, "order", EntityType.FARM, "farm", EntityType.COLLECTION_BATCH, "collection_batch",
            EntityType.SHIPMENT, "shipment");

    /** The stored columns a type's events compare with (its previous values, read before the row is overwritten). */
    public static final Map<EntityType, List<String>> PREVIOUS = Map.of(EntityType.ORDER, List.of("status"),
            EntityType.FARM, List.of("compliance_status"),
            EntityType.SHIPMENT, List.of("status", "readiness_score", "readiness_decision"));

    /**
     * The events of one change.
     *
     * @param previous the record's stored values of {@link #PREVIOUS} before this change (empty for a new record)
     */
    public static List<String> of(Change change, Map<String, String> previous) {
        CanonicalRecord record = change.record();
        String kind = DELETABLE.get(record.entityType());
        if (change.deleted()) {
            return kind == null ? List.of() : List.of(kind + ".deleted");
        }
        if (change.restored()) {
            return kind == null ? List.of() : List.of(kind + ".restored");
        }
        if (record instanceof Farm farm) {
            return change.created() ? List.of("farm.created")
                    : changed(previous.get("compliance_status"), farm.complianceStatus()) ? List.of("farm.compliance_changed") : List.of();
        }
        if (record instanceof CollectionBatch) {
            return change.created() ? List.of("collection_batch.created") : List.of();
        }
        if (record instanceof Shipment shipment) {
            if (change.created()) {
                return List.of("shipment.created");
            }
            List<String> types = new ArrayList<>(2);
            if (changed(previous.get("status"), shipment.status())) {
                types.add("shipment.status_changed");
            }
            if (changed(previous.get("readiness_score"), shipment.readinessScore() == null ? null : shipment.readinessScore().toString())
                    || changed(previous.get("readiness_decision"), shipment.readinessDecision())) {
                types.add("shipment.readiness_changed");
            }
            return types;
        }
        return of(record, change.created(), previous.get("status"));
    }

    private static boolean changed(String before, String after) {
        return !Objects.equals(before, after);
    }

    private static final Set<String> SHIPPED = Set.of("READY_TO_SHIP", "DELIVERING");
    private static final Set<String> DELIVERED = Set.of("DELIVERED", "COMPLETED");

    private EventTypes() {
    }

    /**
     * @param previousStatus the order's status before this change (null for a new order or another record)
     */
    public static List<String> of(CanonicalRecord record, boolean created, String previousStatus) {
        List<String> types = new ArrayList<>(2);
        if (record instanceof Product) {
            types.add(created ? "product.created" : "product.updated");
        } else if (record instanceof InventoryLot lot) {
            types.add("inventory.updated");
            if ("metrc".equals(lot.provenance().sourceSystem())) {
                types.add(created ? "package.created" : "package.updated");
            }
        } else if (record instanceof StockLevel) {
            types.add("inventory.updated");
        } else if (record instanceof Order order) {
            if (created) {
                types.add("order.created");
            } else {
                String transition = transition(previousStatus, order.status());
                if (transition != null) {
                    types.add(transition);
                }
            }
        } else if (record instanceof Transfer) {
            types.add(created ? "transfer.created" : "transfer.updated");
        }
        return types;
    }

    static String transition(String before, String after) {
        String from = before == null ? "" : before.toUpperCase(Locale.ROOT);
        String to = after == null ? "" : after.toUpperCase(Locale.ROOT);
        if (from.equals(to)) {
            return null;
        }
        if (to.equals("PROCESSING")) {
            return "order.confirmed";
        }
        if (SHIPPED.contains(to) && !SHIPPED.contains(from)) {
            return "order.shipped";
        }
        if (DELIVERED.contains(to) && !DELIVERED.contains(from)) {
            return "order.delivered";
        }
        return null;
    }
}
