package com.canopyhub.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the outbox's readers when a transaction with new events commits: PostgreSQL {@code LISTEN canopy_outbox} on
 * a connection of its own (what camel-pgevent does, but on the hub's own driver and credentials rather than a second
 * driver configured separately). Notifications from every node and the CLI arrive here; each calls {@code wake}.
 * Losing the connection only costs latency: the readers also poll ({@code hub.webhooks.poll-interval-ms}), and the
 * listener reconnects.
 */
public final class OutboxListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxListener.class);

    private final Callable<Connection> connections;
    private final Runnable wake;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public OutboxListener(Callable<Connection> connections, Runnable wake) {
        this.connections = connections;
        this.wake = wake;
        this.thread = new Thread(this::listen, "outbox-listener");
        this.thread.setDaemon(true);
    }

    public OutboxListener start() {
        thread.start();
        return this;
    }

    private void listen() {
        long backoffMs = 500;
        while (running) {
            try (Connection c = connections.call()) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + OutboxSink.CHANNEL);
                }
                backoffMs = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                wake.run(); // whatever committed while we were not listening
                while (running) {
                    // short waits: closing must not wait for a long one (the driver holds the connection meanwhile)
                    PGNotification[] notes = pg.getNotifications(200);
                    if (notes != null && notes.length > 0) {
                        wake.run();
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.debug("Outbox listener lost its connection ({}); polling covers until it is back", e.getMessage());
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 30_000);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000); // the listener sees the flag within one short wait and closes its connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (thread.isAlive() && c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
