package com.canopyhub.db;

import java.net.SocketTimeoutException;
import java.sql.SQLException;

/**
 * Turns what pgjdbc throws into a sentence an operator can act on: which timeout fired and which setting
 * governs it, or that the database cannot be reached. Anything else keeps its own message.
 */
public final class DatabaseErrors {

    private final HubDatabase.Timeouts timeouts;

    public DatabaseErrors(HubDatabase.Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** A one-line description of {@code t}, or null when no database error is in its chain. */
    public String explain(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException) {
                return "the reporting database did not answer within hub.reporting.socket-timeout-seconds ("
                        + timeouts.socketSeconds() + " s): is it frozen or cut off? The run stops; the next pass resumes";
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null) {
                if ("57014".equals(e.getSQLState())) {
                    return "the reporting database cancelled a statement that ran longer than "
                            + "hub.reporting.statement-timeout-seconds (" + timeouts.statementSeconds() + " s): "
                            + firstLine(e);
                }
                if (e.getSQLState().startsWith("08")) {
                    return "the reporting database is unreachable: " + firstLine(e);
                }
            }
        }
        return null;
    }

    /**
     * Whether {@code t} says the database cannot be reached (a connection refused or lost, a pool that could open none,
     * a socket timeout): asking it again at once would only wait out another timeout.
     */
    public static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SocketTimeoutException || c instanceof java.net.ConnectException
                    || c instanceof java.sql.SQLTransientConnectionException
                    || (c instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes that blame the data: 22 (data exception, e.g. a NUL byte, numeric overflow), 23 (integrity
     * constraint) and 54 (program limit, e.g. an index row too large). Anything else (connection, timeout, lock)
     * is not a record's fault.
     */
    public static boolean blamesData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** The first line of the database's message (pgjdbc adds Detail/Where lines). */
    public static String firstLine(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
