package com.canopyhub.ops;

import com.canopyhub.db.HubDatabase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The probes on the hub's HTTP port (routes/ops-health.camel.yaml), from Camel's health-check API: Camel's own checks
 * (context, routes) plus the hub's, bound in the registry where Camel finds them.
 * <ul>
 *   <li>{@code GET /health/live}: the process works (Camel's context check): restart it if not.</li>
 *   <li>{@code GET /health/ready}: this node can do its work: database reachable (a fresh connection each time, so a
 *       database that comes back makes it ready again without a restart), routes started, its scheduler running.
 *       Sources failing their last runs are listed in the details without making the node unready: a restart
 *       would not mend an upstream.</li>
 *   <li>{@code GET /health}: as ready (the probe of earlier releases).</li>
 * </ul>
 * 200 when up, 503 when down, with every check's state and details as JSON.
 */
public final class HubHealth {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final java.util.List<Object> checks;
    private volatile boolean registered;

    /** @param checks the hub's own checks and repositories, registered with Camel's when first asked */
    public HubHealth(CamelContext context, java.util.List<Object> checks) {
        this.context = context;
        this.checks = java.util.List.copyOf(checks);
    }

    public void live(Exchange exchange) {
        answer(exchange, HealthCheckHelper.invokeLiveness(registered()));
    }

    public void ready(Exchange exchange) {
        answer(exchange, HealthCheckHelper.invokeReadiness(registered()));
    }

    /** Camel's registry exists once the context started; ours join it then (once). */
    private CamelContext registered() {
        if (!registered) {
            synchronized (this) {
                HealthCheckRegistry registry = HealthCheckRegistry.get(context);
                if (!registered && registry != null) {
                    checks.forEach(registry::register);
                    registered = true;
                }
            }
        }
        return context;
    }

    private static void answer(Exchange exchange, Collection<HealthCheck.Result> results) {
        boolean up = !results.isEmpty() && HealthCheckHelper.isResultsUp(results, false);
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN");
        ArrayNode checks = body.putArray("checks");
        results.stream().sorted(Comparator.comparing(r -> r.getCheck().getId())).forEach(r -> {
            ObjectNode check = checks.addObject().put("id", r.getCheck().getId()).put("state", r.getState().name());
            r.getMessage().ifPresent(m -> check.put("message", m));
            ObjectNode details = JSON.createObjectNode();
            r.getDetails().forEach((k, v) -> {
                if (!HealthCheckHelper.isReservedKey(k)) {
                    details.put(k, String.valueOf(v));
                }
            });
            if (!details.isEmpty()) {
                check.set("details", details);
            }
        });
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body.toString());
    }

    /** A check of readiness only: a node that fails it is taken out of service, not restarted. */
    private abstract static class ReadinessCheck extends AbstractHealthCheck {
        ReadinessCheck(String id) {
            super("hub", id);
        }

        @Override
        public boolean isLiveness() {
            return false;
        }
    }

    /** Readiness: the database answers a fresh connection (the pool's connections may all be dead ones). */
    public static final class DatabaseCheck extends ReadinessCheck {
        private final HubDatabase database;

        public DatabaseCheck(HubDatabase database) {
            super("database");
            this.database = database;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            HubDatabase.Probe probe = database.probe();
            builder.detail("database", probe.detail());
            if (probe.reachable()) {
                builder.up();
            } else {
                builder.message("the reporting database does not answer: " + probe.detail()).down();
            }
        }
    }

    /** Readiness: this node's scheduler runs (when schedules are on). */
    public static final class SchedulerCheck extends ReadinessCheck {
        private final BooleanSupplier schedulesOn;
        private final BooleanSupplier running;

        public SchedulerCheck(BooleanSupplier schedulesOn, BooleanSupplier running) {
            super("scheduler");
            this.schedulesOn = schedulesOn;
            this.running = running;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            if (!schedulesOn.getAsBoolean()) {
                builder.detail("scheduler", "off (hub.schedule.enabled=false)").up();
            } else if (running.getAsBoolean()) {
                builder.detail("scheduler", "running").up();
            } else {
                builder.message("this node's scheduler is not running").down();
            }
        }
    }

    /**
     * Readiness details only (always UP): the streams whose last {@code failedAfter} or more runs failed. A failing
     * upstream is an alert (hub.stream.failed), not a reason to take the node out of service.
     */
    public static final class SourcesCheck extends ReadinessCheck {
        private final DataSource dataSource;
        private final int failedAfter;

        public SourcesCheck(DataSource dataSource, int failedAfter) {
            super("sources");
            this.dataSource = dataSource;
            this.failedAfter = failedAfter;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(AlertQueries.CONSECUTIVE_FAILURES + " HAVING count(*) >= ? ORDER BY 1, 2, 3")) {
                ps.setInt(1, failedAfter);
                StringBuilder failing = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        failing.append(failing.isEmpty() ? "" : "; ").append(rs.getString(1)).append('/')
                                .append(com.canopyhub.engine.spi.StreamKey.label(rs.getString(2), rs.getString(3)))
                                .append(": ").append(rs.getLong(4)).append(" failed runs");
                    }
                }
                builder.detail("failing", failing.isEmpty() ? "none" : failing.toString());
            } catch (SQLException e) {
                builder.detail("failing", "unknown (the database did not answer)");
            }
            builder.up();
        }
    }
}
