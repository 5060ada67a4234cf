package io.signup.saveemail.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.signup.saveemail.config.SaveEmailConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The publish marks of events the Broker took right after their signup committed. Writing each in its own statement
 * would cost every signup a round trip after the Broker's answer; instead a mark waits here and is written by the next
 * signup's own statement ({@link #take()}), or, once it has waited the mark delay with no signup coming, together
 * with the others that waited as long, in one statement. What still waits is written when the process stops.
 * <p>
 * Until its mark is written, a record is still protected by its lease (far longer than the delay), so nobody
 * republishes it. A process that dies in between leaves it pending: it is republished after the lease, with the same
 * event id, which the consumers deduplicate, as after a death just before a mark written at once.
 */
@ApplicationScoped
public class PublishMarks {

    /** Marks more than this go in the next statement, the rest in the one after: the statement stays small. */
    private static final int MAX_PER_STATEMENT = 256;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
    /** After a failed write (the database is away): the next try, without spinning or a log line per try. */
    private static final Duration RETRY_WAIT = Duration.ofSeconds(1);
    private static final String MARK = statement("$1", "$2", "$3");

    /** The Broker's answer to one event: its status, and when it came. */
    record Mark(UUID id, int status, Instant at) {
    }

    /**
     * Marks handed to a statement that writes them; each list is one parameter, as text Postgres splits, so that
     * they pass through any query API.
     */
    public record Taken(List<Mark> marks) {

        public String ids() {
            return marks.stream().map(mark -> mark.id().toString()).collect(Collectors.joining(","));
        }

        public String statuses() {
            return marks.stream().map(mark -> Integer.toString(mark.status())).collect(Collectors.joining(","));
        }

        public String times() {
            return marks.stream().map(mark -> mark.at().toString()).collect(Collectors.joining(","));
        }
    }

    private final Pool pool;
    private final Vertx vertx;
    private final Duration delay;
    private final ConcurrentLinkedQueue<Mark> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();

    public PublishMarks(Pool pool, Vertx vertx, SaveEmailConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.delay = config.outbox().markDelay();
    }

    /**
     * The one statement that marks records published, with the Broker's status and the time of its answer, for
     * three parameters of equal length given as comma-separated text (ids, statuses, times: {@link Taken}). Text, so
     * that the same statement passes through the pool and through a Hibernate native query alike.
     */
    public static String statement(String ids, String statuses, String times) {
        return """
                update outbox_event o set published_at = m.at, last_attempt_at = m.at, broker_status = m.status
                from unnest(cast(string_to_array(cast(%s as text), ',') as uuid[]),
                            cast(string_to_array(cast(%s as text), ',') as smallint[]),
                            cast(string_to_array(cast(%s as text), ',') as timestamptz[])) m (id, status, at)
                where o.id = m.id""".formatted(ids, statuses, times);
    }

    /** The Broker took event {@code id} with {@code status}: its record is to be marked published. */
    void add(UUID id, int status, Instant at) {
        pending.add(new Mark(id, status, at));
        scheduleFlush();
    }

    /** Marks for the caller's statement to write; hand them back with {@link #restore} if it does not commit. */
    public Taken take() {
        return take(mark -> true);
    }

    /** Waiting marks from the oldest on, while {@code due} holds and the statement is not full. */
    private Taken take(Predicate<Mark> due) {
        List<Mark> marks = new ArrayList<>();
        Mark head;
        while (marks.size() < MAX_PER_STATEMENT && (head = pending.peek()) != null && due.test(head)) {
            Mark taken = pending.poll();
            if (taken != null) {
                marks.add(taken);
            }
        }
        return new Taken(marks);
    }

    /** Marks whose statement did not commit: written by the next one. */
    public void restore(Taken taken) {
        if (!taken.marks().isEmpty()) {
            pending.addAll(taken.marks());
            scheduleFlush();
        }
    }

    private void scheduleFlush() {
        scheduleFlush(Duration.ZERO);
    }

    /** Once the oldest waiting mark has waited the delay, and not before {@code atLeast} from now. */
    private void scheduleFlush(Duration atLeast) {
        Mark oldest = pending.peek();
        if (oldest != null && flushScheduled.compareAndSet(false, true)) {
            long wait = Math.max(atLeast.toMillis(),
                    Duration.between(Instant.now(), oldest.at().plus(delay)).toMillis());
            vertx.setTimer(Math.max(1, wait), timer -> {
                flushScheduled.set(false);
                flushDue();
            });
        }
    }

    /**
     * Writes the marks that waited the delay; a signup may still take the younger ones.
     */
    private void flushDue() {
        Instant due = Instant.now().minus(delay);
        write(take(mark -> !mark.at().isAfter(due)))
                .subscribe().with(done -> scheduleFlush(), failed -> scheduleFlush(RETRY_WAIT));
    }

    /** Writes every waiting mark, in as few statements as {@link #MAX_PER_STATEMENT} allows. */
    Uni<Void> flush() {
        Taken taken = take();
        return taken.marks().isEmpty() ? Uni.createFrom().voidItem() : write(taken).chain(this::flush);
    }

    /**
     * Marks one record at once, in its own statement: a republish run's, which answers for its records itself (a
     * failure is the caller's to handle, nothing waits here).
     */
    Uni<Void> markNow(UUID id, int status, Instant at) {
        return execute(new Taken(List.of(new Mark(id, status, at))));
    }

    private Uni<Void> execute(Taken taken) {
        return pool.preparedQuery(MARK).execute(Tuple.of(taken.ids(), taken.statuses(), taken.times()))
                .replaceWithVoid();
    }

    /** One statement for {@code taken}; on failure they wait again. */
    private Uni<Void> write(Taken taken) {
        if (taken.marks().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return execute(taken)
                .invoke(() -> {
                    if (failing.getAndSet(false)) {
                        Log.info("Publish marks written again");
                    }
                })
                .onFailure().invoke(failure -> {
                    if (!failing.getAndSet(true)) {
                        Log.warnf("Publish marks not written, retried every %s: %s", RETRY_WAIT, failure.getMessage());
                    }
                    pending.addAll(taken.marks());
                });
    }

    /** Scale-to-zero and rollouts stop the process: what is waiting is written first. */
    void onStop(@Observes ShutdownEvent event) {
        try {
            flush().await().atMost(SHUTDOWN_WAIT);
        } catch (RuntimeException e) {
            Log.warnf("Publish marks not written at shutdown; their records are republished after the lease: %s",
                    e.getMessage());
        }
    }
}
