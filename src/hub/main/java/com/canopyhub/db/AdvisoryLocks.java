package com.canopyhub.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL advisory locks as the hub uses them to keep nodes from doing one thing twice: never waiting, true when
 * this session now holds the lock.
 */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /** Held until the transaction ends (commit or rollback); the connection must not be in auto-commit. */
    public static boolean tryForTransaction(Connection c, long key) throws SQLException {
        return ask(c, "SELECT pg_try_advisory_xact_lock(?)", key);
    }

    /** Held until released or the session ends (so a dead node's lock goes with its connection). Re-entrant per session. */
    public static boolean tryForSession(Connection c, long key) throws SQLException {
        return ask(c, "SELECT pg_try_advisory_lock(?)", key);
    }

    private static boolean ask(Connection c, String sql, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
