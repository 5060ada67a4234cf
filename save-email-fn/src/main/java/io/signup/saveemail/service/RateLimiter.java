package io.signup.saveemail.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Signups per client address and per mailbox in fixed windows, counted in Postgres: every replica sees the same
 * counts, and they survive scale-to-zero. One autocommitted statement counts both keys; a refused attempt counts too,
 * so hammering does not open the gate sooner, but the window's end does.
 */
@ApplicationScoped
public class RateLimiter {

    private static final String HIT = """
            insert into rate_limit (key, window_start, hits)
            select * from unnest($1::varchar[], $2::timestamptz[], array_fill(1, array[cardinality($1::varchar[])]))
            on conflict (key, window_start) do update set hits = rate_limit.hits + 1
            returning key, window_start, hits""";
    private static final String PRUNE = "delete from rate_limit where window_start < $1";

    private final Pool pool;
    private final SaveEmailConfig.Limits limits;

    public RateLimiter(Pool pool, SaveEmailConfig config) {
        this.pool = pool;
        this.limits = config.limits();
    }

    /**
     * Counts one signup for the client address ({@code null}: not counted) and the mailbox, in its own statement.
     *
     * @return fails with {@link RateLimitedException} when either is over its limit
     */
    public Uni<Void> hit(String clientAddress, String mailbox, Instant now) {
        Hits hits = windows(clientAddress, mailbox, now);
        String[] keys = hits.windows().stream().map(Window::key).toArray(String[]::new);
        OffsetDateTime[] starts = hits.windows().stream()
                .map(w -> w.start().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        return pool.preparedQuery(HIT).execute(Tuple.of(keys, starts)).map(rows -> {
            Map<String, Integer> counted = new HashMap<>();
            rows.forEach(row -> counted.put(row.getString("key"), row.getInteger("hits")));
            hits.check(counted);
            return null;
        });
    }

    /** The windows one signup counts in, for a statement that counts them itself (the signup's own). */
    public Hits windows(String clientAddress, String mailbox, Instant now) {
        List<Window> windows = new ArrayList<>(2);
        if (clientAddress != null) {
            windows.add(Window.at(now, "client:" + clientAddress, limits.clientMax(), limits.clientWindow()));
        }
        windows.add(Window.at(now, "mailbox:" + mailbox, limits.mailboxMax(), limits.mailboxWindow()));
        return new Hits(now, windows);
    }

    /** The windows of one signup, at most one per kind: client address (when known), then mailbox. */
    public record Hits(Instant now, List<Window> windows) {

        /** The client address's window, or null when the address is unknown and not counted. */
        public Window client() {
            return windows.size() == 2 ? windows.get(0) : null;
        }

        public Window mailbox() {
            return windows.get(windows.size() - 1);
        }

        /**
         * @param counted each window's count after this signup was counted, by its key
         * @throws RateLimitedException when a count is over its window's limit, with the longest wait */
        public void check(Map<String, Integer> counted) {
            Duration wait = wait(counted);
            if (!wait.isZero()) {
                throw new RateLimitedException(wait);
            }
        }

        private Duration wait(Map<String, Integer> counted) {
            Duration wait = Duration.ZERO;
            for (Window window : windows) {
                if (counted.getOrDefault(window.key(), 0) > window.max()) {
                    Duration left = Duration.between(now, window.start().plus(window.length()));
                    wait = left.compareTo(wait) > 0 ? left : wait;
                }
            }
            return wait;
        }
    }

    /** Forgets windows that ended long ago. */
    public Uni<Integer> prune(Instant now) {
        Duration longest = limits.clientWindow().compareTo(limits.mailboxWindow()) > 0 ? limits.clientWindow()
                : limits.mailboxWindow();
        return pool.preparedQuery(PRUNE).execute(Tuple.of(now.minus(longest.multipliedBy(2)).atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }

    /** One fixed window: its start is {@code now} rounded down to a multiple of its length since the epoch. */
    public record Window(String key, int max, Duration length, Instant start) {

        static Window at(Instant now, String key, int max, Duration length) {
            return new Window(key, max, length,
                    Instant.ofEpochMilli(now.toEpochMilli() - now.toEpochMilli() % length.toMillis()));
        }
    }
}
