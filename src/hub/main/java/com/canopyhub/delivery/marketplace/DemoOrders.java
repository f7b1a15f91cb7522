package com.canopyhub.delivery.marketplace;

import java.net.URI;

/**
 * A marketplace sandbox that places demo orders to the hub's inbound webhook (the built-in TerraVault sandbox), so
 * the demo run shows orders coming back. Only ever with the embedded database.
 */
public interface DemoOrders {

    /** Every {@code everyNth} listing created, an order event signed with {@code secret} POSTed to {@code target}. */
    void placeOrdersTo(URI target, String secret, int everyNth, boolean inHeaders);
}
