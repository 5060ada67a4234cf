package io.signup.saveemail.service;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
     * Counts one signup for the client address ({@code null}: not counted) and the mailbox.
     *
     * @return fails with {@link RateLimitedException} when either is over its limit
     */
    public Uni<Void> hit(String clientAddress, String mailbox, Instant now) {
        List<Window> windows = new ArrayList<>(2);
        if (clientAddress != null) {
            windows.add(Window.at(now, "client:" + clientAddress, limits.clientMax(), limits.clientWindow()));
        }
        windows.add(Window.at(now, "mailbox:" + mailbox, limits.mailboxMax(), limits.mailboxWindow()));
        String[] keys = windows.stream().map(Window::key).toArray(String[]::new);
        OffsetDateTime[] starts = windows.stream()
                .map(w -> w.start().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        return pool.preparedQuery(HIT).execute(Tuple.of(keys, starts)).map(rows -> {
            Duration wait = Duration.ZERO;
            for (Row row : rows) {
                Window window = windows.stream().filter(w -> w.key().equals(row.getString("key"))).findFirst()
                        .orElseThrow();
                if (row.getInteger("hits") > window.max()) {
                    Duration left = Duration.between(now, window.start().plus(window.length()));
                    wait = left.compareTo(wait) > 0 ? left : wait;
                }
            }
            if (!wait.isZero()) {
                throw new RateLimitedException(wait);
            }
            return null;
        });
    }

    /** Forgets windows that ended long ago. */
    public Uni<Integer> prune(Instant now) {
        Duration longest = limits.clientWindow().compareTo(limits.mailboxWindow()) > 0 ? limits.clientWindow()
                : limits.mailboxWindow();
        return pool.preparedQuery(PRUNE).execute(Tuple.of(now.minus(longest.multipliedBy(2)).atOffset(ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }

    /** One fixed window: its start is {@code now} rounded down to a multiple of its length since the epoch. */
    private record Window(String key, int max, Duration length, Instant start) {

        static Window at(Instant now, String key, int max, Duration length) {
            return new Window(key, max, length,
                    Instant.ofEpochMilli(now.toEpochMilli() - now.toEpochMilli() % length.toMillis()));
        }
    }
}
