package com.canopyhub.observe;

import java.time.Duration;

/**
 * What the delivery routes report for the hub's metrics (ops/HubMetrics implements it): a package of its own, so
 * delivery code depends on this contract and not on the operations module that wires it.
 */
public interface DeliveryMeters {

    DeliveryMeters NONE = new DeliveryMeters() {
        @Override
        public void webhookAttempt(String subscription, String outcome, int attempt, Duration sinceCommit) {
        }

        @Override
        public void marketplaceRequest(String sink, String outcome) {
        }
    };

    /** A webhook attempt's outcome; the first attempt also gives the latency from the event's commit to it. */
    void webhookAttempt(String subscription, String outcome, int attempt, Duration sinceCommit);

    /** A request to a marketplace, by outcome. */
    void marketplaceRequest(String sink, String outcome);

    /** The marketplaces' key limits (requests per minute), shown next to their request rate. */
    default void marketplaceLimits(java.util.Map<String, Integer> limits) {
    }
}
