package io.signup.saveemail.service;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

/** Reads a database failure through whatever Hibernate Reactive wrapped it in. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * True for what a retry can fix: the database is unreachable, restarting, out of connections, or the transaction
     * lost a serialization race (SQLSTATE classes 08, 53, 57P, 40).
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof TimeoutException
                    || t instanceof ClosedConnectionException) {
                return true;
            }
        }
        String state = sqlState(failure);
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40");
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatabaseException database && database.getSqlState() != null) {
                return database.getSqlState();
            }
        }
        return "";
    }
}
