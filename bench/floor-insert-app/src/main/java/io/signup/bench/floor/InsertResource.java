package io.signup.bench.floor;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** One row per request, on the event loop, through the reactive Postgres client: the least a signup can cost. */
@Path("/saveEmail")
public class InsertResource {

    private final Pool pool;

    public InsertResource(Pool pool) {
        this.pool = pool;
    }

    @POST
    public Uni<String> insert(Map<String, Object> form) {
        return pool.preparedQuery("insert into floor_signup (id, email) values ($1, $2)")
                .execute(Tuple.of(UUID.randomUUID(), String.valueOf(form.get("email"))))
                .replaceWith("{}");
    }
}
