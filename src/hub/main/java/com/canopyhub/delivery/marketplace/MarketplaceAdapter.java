package com.canopyhub.delivery.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * What one marketplace's API looks like to the generic {@link MarketplaceDelivery}: given what a listing should be (the
 * product's facts through the mapping file) and what the marketplace was last seen to hold, the one request that
 * brings it closer; and what an answer means for that state. Every API shape the references leave open is chosen in
 * an adapter and stated in docs/marketplaces.md, so it is corrected in one place against the live API.
 */
public interface MarketplaceAdapter {

    /** The sink's name: settings prefix, route ids, id-map rows. */
    String sink();

    /** The fields a mapping file must declare. */
    Set<String> requiredFields();

    /** The options a mapping file may set, with their allowed values (empty: any). */
    Map<String, Set<String>> options();

    /**
     * The next request for this listing, or null when the marketplace already holds what it should. Called again
     * after each accepted answer, so a listing's requests go one at a time, in order.
     *
     * @throws MarketplaceUnits.Unconvertible when a value cannot be expressed in the marketplace's units (a dead letter)
     */
    Request next(Listing listing) throws MarketplaceUnits.Unconvertible;

    /**
     * The state after an answer: a 2xx, or a status the adapter understands (TerraVault's 409 naming the existing
     * listing). Null: not understood here; the sink's error rules decide (401/403 stop, 422/400 dead letter, 429
     * waits, 5xx and timeouts retry).
     */
    ListingState answered(Request request, int status, JsonNode body, ListingState state);

    /** One product on one marketplace: its facts (null if the reporting database no longer has it), mapping, state. */
    record Listing(Map<String, Object> facts, ListingMapping mapping, ListingState state) {
    }

    /**
     * One HTTP request. {@code path} is relative to the base URL (with its query); {@code pending} is written to the
     * id map before it is sent, so a lost answer is known to be unknown.
     */
    record Request(String action, String method, String path, JsonNode body, ObjectNode pending) {
    }
}
