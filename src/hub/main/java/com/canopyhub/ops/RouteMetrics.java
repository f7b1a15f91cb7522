package com.canopyhub.ops;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Camel's own route metrics (camel-micrometer's route policy: {@code camel_exchanges_*} per {@code routeId}) for every
 * route but the per-delivery ones: a webhook attempt, a marketplace request or a Kafka round is a small exchange of
 * its own, thousands a second, and a policy's timers on each cost the delivery path about a fifth of its throughput
 * (docs/benchmarks.md). Their work is counted by the hub's own metrics instead ({@code canopyhub_webhook_attempts_total},
 * {@code canopyhub_marketplace_requests_total}, the outbox backlogs).
 */
public final class RouteMetrics implements RoutePolicyFactory {

    /** webhook-poll, webhook-dispatch, webhook-send, terravault-dispatch, shop-platform-send, kafka-* … */
    static final Pattern DELIVERY_ROUTES = Pattern.compile("webhook-(poll|dispatch|send)|.+-(dispatch|send)|kafka-.*");

    private final MicrometerRoutePolicyFactory delegate = new MicrometerRoutePolicyFactory();

    public RouteMetrics(MeterRegistry registry) {
        delegate.setMeterRegistry(registry);
    }

    public static void install(CamelContext context, MeterRegistry registry) {
        RouteMetrics metrics = new RouteMetrics(registry);
        metrics.delegate.setCamelContext(context);
        context.addRoutePolicyFactory(metrics);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        return DELIVERY_ROUTES.matcher(routeId).matches() ? null : delegate.createRoutePolicy(context, routeId, route);
    }
}
