package io.signup.saveemail.config;

import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;

/**
 * Builds the reactive Postgres pool with bounded waits. Quarkus exposes no key for the pool's acquisition timeout
 * (Vert.x default: 30 s) nor the connect timeout (60 s); without these bounds a signup would hang while the database
 * is away instead of answering 503 at once.
 */
@Singleton
public class BoundedPgPoolCreator implements PgPoolCreator {

    private final SaveEmailConfig.Database config;

    public BoundedPgPoolCreator(SaveEmailConfig config) {
        this.config = config.database();
    }

    @Override
    public Pool create(Input input) {
        input.poolOptions()
                .setConnectionTimeout((int) config.acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        input.pgConnectOptionsList().forEach(options -> options.setConnectTimeout((int) config.connectTimeout().toMillis()));
        return PgBuilder.pool()
                .with(input.poolOptions())
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx())
                .build();
    }
}
