package io.signup.saveemail.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Ready when the reactive pool, the one signups use, reaches Postgres. Quarkus's own datasource checks are off: they
 * also probe the JDBC pool that only Flyway uses, which after a database restart stays DOWN on a stale connection and
 * would take a working function out of Knative's rotation.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;

    public DatabaseReadiness(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select 1").execute()
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> HealthCheckResponse.up("database"))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("database").down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }
}
