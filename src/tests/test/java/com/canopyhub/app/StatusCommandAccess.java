package com.canopyhub.app;

import com.canopyhub.db.HubDatabase;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;

/** Lets tests in other packages print what `status` prints. */
public final class StatusCommandAccess {
    private StatusCommandAccess() {
    }

    public static void print(Connection c, HubDatabase db, PrintStream out) throws SQLException {
        StatusCommand.print(c, db, out);
    }
}
