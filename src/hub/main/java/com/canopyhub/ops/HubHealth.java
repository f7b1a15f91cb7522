package com.canopyhub.ops;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

/**
 * {@code GET /health} on the hub's HTTP port (routes/ops-health.camel.yaml), for container health checks and load
 * balancers: 200 when Camel runs and the database answers within two seconds, else 503, with which part is down.
 */
public final class HubHealth {

    private final CamelContext context;
    private final DataSource dataSource;

    public HubHealth(CamelContext context, DataSource dataSource) {
        this.context = context;
        this.dataSource = dataSource;
    }

    public void check(Exchange exchange) {
        boolean camel = context.isStarted() && !context.isStopping();
        boolean database;
        try (Connection c = dataSource.getConnection()) {
            database = c.isValid(2);
        } catch (SQLException e) {
            database = false;
        }
        boolean up = camel && database;
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"camel\":\"" + (camel ? "UP" : "DOWN")
                + "\",\"database\":\"" + (database ? "UP" : "DOWN") + "\"}");
    }
}
