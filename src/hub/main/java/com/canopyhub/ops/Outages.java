package com.canopyhub.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiet outages for the hub's background routes (routes/errors.camel.yaml, hub-background): a component that starts
 * failing is said once (WARN, the reason's first line), reminded every few minutes while it keeps failing, and said
 * once more when it works again (INFO); stack traces only at DEBUG. A database that is away for a minute is a handful
 * of lines, not one error with a stack trace per timer tick and route.
 */
public class Outages {

    private static final Logger LOG = LoggerFactory.getLogger(Outages.class);

    /** One component's outage: since when, how many failures, when it was last said. */
    private static final class Outage {
        final long sinceNanos = System.nanoTime();
        long failures;
        long lastSaidNanos = sinceNanos;
    }

    private final Duration reminder;
    private final Map<String, Outage> failing = new ConcurrentHashMap<>();

    public Outages(Duration reminder) {
        this.reminder = reminder;
    }

    /** A background route's exchange failed (the route configuration's onException). */
    public void failed(String component, Exception e) {
        String reason = reason(e);
        Outage o = failing.computeIfAbsent(component, c -> {
            LOG.warn("{}: failing: {}; it keeps trying (next word when it works again, or in {} min)", c, reason,
                    reminder.toMinutes());
            return new Outage();
        });
        LOG.debug("{} failed", component, e);
        synchronized (o) {
            o.failures++;
            long now = System.nanoTime();
            if (now - o.lastSaidNanos >= reminder.toNanos()) {
                o.lastSaidNanos = now;
                LOG.warn("{}: still failing after {} s ({} failures): {}", component, (now - o.sinceNanos) / 1_000_000_000L,
                        o.failures, reason);
            }
        }
    }

    /** A background route's exchange completed (onCompletion): a failing component has recovered, unless it failed again. */
    public void ok(String component, Exchange exchange) {
        if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null || failing.isEmpty()) {
            return;
        }
        Outage o = failing.remove(component);
        if (o != null) {
            LOG.info("{}: working again after {} s ({} failures)", component, (System.nanoTime() - o.sinceNanos) / 1_000_000_000L,
                    o.failures);
        }
    }

    /** Failures counted for a component in its current outage (0 when it works). */
    public long failures(String component) {
        Outage o = failing.get(component);
        return o == null ? 0 : o.failures;
    }

    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(e.getMessage());
        String rm = String.valueOf(root.getMessage());
        String text = root == e ? m : m + " (" + root.getClass().getSimpleName() + ": " + rm + ")";
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
