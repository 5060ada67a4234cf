package io.signup.bench.floor;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.signup.contract.EmailAddress;
import io.signup.contract.LinkToken;
import io.signup.contract.PersonName;
import io.signup.contract.SignupEvent;
import io.signup.contract.SubscriptionRequested;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * save-email-fn's floor: what a new signup does, written the plainest way the stack allows. On the event loop, with
 * the reactive Postgres client and no ORM: validate the address, make the link token and the event data, then in one
 * transaction count the abuse-limit windows, insert the subscriber, its consent record and the outbox record, then
 * POST the event to the sink as a binary CloudEvent and mark the record published. One statement per step, each its
 * own round trip: BEGIN, four statements, COMMIT, and the mark. The event data is serialised by Jackson, so a native
 * executable needs its record registered for reflection, as save-email-fn's outbox registers it.
 */
@Path("/saveEmail")
@RegisterForReflection(targets = SubscriptionRequested.class)
public class SignupFloorResource {

    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration TOKEN_TTL = Duration.ofDays(7);
    private static final String LIMIT = """
            insert into rate_limit (key, window_start, hits)
            select * from unnest($1::varchar[], $2::timestamptz[], array_fill(1, array[cardinality($1::varchar[])]))
            on conflict (key, window_start) do update set hits = rate_limit.hits + 1
            returning hits""";
    private static final String SUBSCRIBER = """
            insert into subscriber (id, email, name, created_at, status, confirm_token_hash, confirm_expires_at,
                                    confirmation_sent_at)
            values ($1, $2, $3, $4, 'PENDING', $5, $6, $4)
            on conflict ((lower(email))) do nothing""";
    private static final String CONSENT = """
            insert into consent_record (id, subscriber_id, action, recorded_at, client_address)
            values ($1, $2, 'SIGNUP', $3, $4)""";
    private static final String OUTBOX = """
            insert into outbox_event (id, type, subscriber_id, payload, created_at, available_at)
            values ($1, $2, $3, $4, $5, $6)""";
    private static final String MARK = """
            update outbox_event set published_at = now(), last_attempt_at = now(), broker_status = $2 where id = $1""";

    private final Pool pool;
    private final WebClient client;
    private final ObjectMapper mapper;
    private final String sink;

    public SignupFloorResource(Pool pool, Vertx vertx, ObjectMapper mapper,
            @ConfigProperty(name = "k.sink") String sink) {
        this.pool = pool;
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(16));
        this.mapper = mapper;
        this.sink = sink;
    }

    /** The signup page's JSON body: {@code email} and {@code name}. */
    public record Form(String email, String name) {
    }

    /** {@code client}: the client address as the bench's proxy header gives it (no proxy chain to resolve here). */
    @POST
    public Uni<String> signup(Form form, @HeaderParam("X-Forwarded-For") @DefaultValue("127.0.0.1") String client) {
        EmailAddress email = EmailAddress.parse(form.email());
        String name = PersonName.normalize(form.name());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String token = LinkToken.generate();
        UUID subscriberId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        OffsetDateTime expires = now.plus(TOKEN_TTL).atOffset(ZoneOffset.UTC);
        String payload = json(new SubscriptionRequested(email.toString(), name, token, now.plus(TOKEN_TTL), now));
        OffsetDateTime window = Instant.ofEpochMilli(now.toEpochMilli() - now.toEpochMilli() % WINDOW.toMillis())
                .atOffset(ZoneOffset.UTC);
        return pool.withTransaction(connection -> connection.preparedQuery(LIMIT)
                        .execute(Tuple.of(new String[] { "client:" + client, "mailbox:" + email.mailbox() },
                                new OffsetDateTime[] { window, window }))
                        .chain(() -> connection.preparedQuery(SUBSCRIBER).execute(Tuple.from(new Object[] {
                                subscriberId, email.toString(), name, at, LinkToken.hash(token), expires })))
                        .chain(inserted -> inserted.rowCount() == 0 ? Uni.createFrom().item(false)
                                : insertRecords(connection, subscriberId, eventId, payload, at, client)))
                .chain(inserted -> inserted ? publish(eventId, payload, now) : Uni.createFrom().voidItem())
                .replaceWith("{}");
    }

    private static Uni<Boolean> insertRecords(SqlConnection connection, UUID subscriberId, UUID eventId,
            String payload, OffsetDateTime at, String client) {
        return connection.preparedQuery(CONSENT).execute(Tuple.of(UUID.randomUUID(), subscriberId, at, client))
                .chain(() -> connection.preparedQuery(OUTBOX).execute(Tuple.of(eventId,
                        SignupEvent.REQUESTED.type(), subscriberId, payload, at, at.plusSeconds(30))))
                .replaceWith(true);
    }

    private Uni<Void> publish(UUID eventId, String payload, Instant time) {
        return Uni.createFrom().completionStage(() -> client.postAbs(sink)
                        .putHeader("ce-specversion", "1.0")
                        .putHeader("ce-id", eventId.toString())
                        .putHeader("ce-type", SignupEvent.REQUESTED.type())
                        .putHeader("ce-source", SignupEvent.SOURCE)
                        .putHeader("ce-time", time.toString())
                        .putHeader("Content-Type", SignupEvent.DATA_CONTENT_TYPE)
                        .sendBuffer(Buffer.buffer(payload).getDelegate()).toCompletionStage())
                .chain(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new WebApplicationException("sink answered " + response.statusCode(), 503);
                    }
                    return pool.preparedQuery(MARK).execute(Tuple.of(eventId, (short) response.statusCode()));
                })
                .replaceWithVoid();
    }

    private String json(SubscriptionRequested data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
