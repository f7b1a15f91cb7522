package com.canopyhub.delivery.marketplace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.UUID;

/**
 * What the hub knows a marketplace holds for one product (a row of {@code hub.marketplace_listings}): the remote
 * id, the hash of the listing fields and the quantity last accepted, per-sink extras, and the request in flight.
 */
public record ListingState(UUID canonicalId, String remoteId, String pushedHash, BigDecimal pushedQuantity,
                           ObjectNode remote, ObjectNode pending) {

    public ListingState withRemoteId(String id) {
        return new ListingState(canonicalId, id, pushedHash, pushedQuantity, remote, pending);
    }

    public ListingState withPushedHash(String hash) {
        return new ListingState(canonicalId, remoteId, hash, pushedQuantity, remote, pending);
    }

    public ListingState withPushedQuantity(BigDecimal quantity) {
        return new ListingState(canonicalId, remoteId, pushedHash, quantity, remote, pending);
    }

    public ListingState withPending(ObjectNode p) {
        return new ListingState(canonicalId, remoteId, pushedHash, pushedQuantity, remote, p);
    }

    public ListingState withRemote(ObjectNode r) {
        return new ListingState(canonicalId, remoteId, pushedHash, pushedQuantity, r, pending);
    }
}
