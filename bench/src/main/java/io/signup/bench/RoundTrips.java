package io.signup.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import io.signup.peers.TestDatabase;

/**
 * Round trips to Postgres per call, as Postgres counts them (pg_stat_statements: every statement a client sent,
 * BEGIN and COMMIT included; none of them is pipelined, so each is one round trip). Calls are sent one at a time on
 * an otherwise idle server, then the count is read once it stops moving: work an application does after its answer
 * (a deferred write) is counted too.
 */
final class RoundTrips {

    /** Statements per call, in all and by statement (normalized text, as pg_stat_statements keeps it). */
    record Count(double perCall, Map<String, Double> byStatement) {
    }

    static final int CALLS = 200;
    private static final long SETTLE_MILLIS = 300;

    private RoundTrips() {
    }

    static Count measure(TestDatabase database, Load load) {
        database.resetStatementCounts();
        Load.Result result = load.forRequests(1, CALLS);
        if (result.served() != CALLS) {
            throw new IllegalStateException("round trips: " + result.failed() + " of " + CALLS + " calls failed");
        }
        Map<String, Long> counts = settled(database);
        Map<String, Double> perCall = new LinkedHashMap<>();
        counts.forEach((statement, calls) -> perCall.put(statement.replaceAll("\\s+", " "), calls / (double) CALLS));
        return new Count(counts.values().stream().mapToLong(Long::longValue).sum() / (double) CALLS, perCall);
    }

    /** The counts once two readings a moment apart agree. */
    private static Map<String, Long> settled(TestDatabase database) {
        Map<String, Long> last = database.statementCounts();
        while (true) {
            try {
                Thread.sleep(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
            Map<String, Long> now = database.statementCounts();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
    }
}
