package io.signup.saveemail.service;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.signup.contract.AddressKey;
import io.signup.http.SuppressionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Moves the suppression rows written before the list was keyed by {@link AddressKey} (keyed by the plain SHA-256 of
 * the address) to their keyed hash, a batch per republish run (the PingSource's, every 15 minutes), until none is
 * left. Only a row that still holds its address can be moved: a row whose address was erased or removed by the
 * retention keeps its old key, which nothing looks up any more (the save-email-fn README says what that means).
 * <p>
 * Where a row under the new key exists already (an unsubscribe recorded after the upgrade), the old row goes, and
 * its reason is kept when it is the stronger one.
 */
@ApplicationScoped
public class LegacyAddressKeys {

    private static final int BATCH = 500;
    private static final String LEGACY = """
            select address_key, email from suppression
            where email is not null and address_key = encode(sha256(convert_to(email, 'UTF8')), 'hex')
            limit $1""";
    /** $1 the old key, $2 the new one. All parts see the rows as they were before the statement. */
    private static final String MOVE = """
            with newer as (select 1 from suppression where address_key = $2),
            moved as (update suppression set address_key = $2 where address_key = $1 and not exists (select 1 from newer)
                      returning 1),
            stronger as (update suppression n set reason = o.reason, detail = o.detail, suppressed_at = o.suppressed_at
                         from suppression o
                         where o.address_key = $1 and n.address_key = $2 and n.reason = 'UNSUBSCRIBED'
                             and o.reason <> 'UNSUBSCRIBED'
                         returning 1)
            delete from suppression where address_key = $1 and exists (select 1 from newer)""";

    private final Pool pool;
    private final String secret;

    public LegacyAddressKeys(Pool pool, SuppressionConfig config) {
        this.pool = pool;
        this.secret = config.suppression().key();
    }

    /** @return how many rows this run moved to their keyed hash */
    public Uni<Integer> rehash() {
        return pool.preparedQuery(LEGACY).execute(Tuple.of(BATCH)).chain(rows -> {
            List<Tuple> moves = new ArrayList<>();
            rows.forEach(row -> moves.add(Tuple.of(row.getString("address_key"),
                    AddressKey.ofCanonical(secret, row.getString("email")))));
            if (moves.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return pool.preparedQuery(MOVE).executeBatch(moves).replaceWith(moves.size())
                    .invoke(moved -> Log.infof("Suppression list: %d row(s) moved to their keyed hash", moved));
        });
    }
}
