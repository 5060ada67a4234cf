package io.signup.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.signup.peers.TestDatabase;

/**
 * 2. save-email-fn under closed-loop signups at each concurrency, after a warm-up, beside pgbench's single-row INSERT
 * on the same Postgres at the same concurrency (the database's own ceiling), when pgbench is on the PATH.
 */
final class SaveThroughput {

    static final List<Integer> CONCURRENCY = List.of(1, 8, 32, 64);

    /** One concurrency: the function's figures, and pgbench's (null without pgbench). */
    record Row(LoadRow signups, Figure pgbenchInsertsPerSecond, Double functionVsCeiling) {
    }

    record Result(List<Row> rows, boolean withCeiling, double rssMibAfter) {
    }

    private SaveThroughput() {
    }

    static Result run(Runner jvm, App save, TestDatabase database, Path work, int runs, Duration time) {
        Optional<PgBench> pgbench = PgBench.find(database, work);
        List<Row> rows = new ArrayList<>();
        try (Launch launch = jvm.launch(save)) {
            launch.millisToFirstSuccess(save.request());
            Load load = new Load(launch.url(), save.request(), save.okStatus());
            load.forDuration(8, time); // warm-up: JIT, pools
            for (int concurrency : CONCURRENCY) {
                LoadRow signups = LoadRow.measure(load, concurrency, runs, time);
                Figure ceiling = null;
                if (pgbench.isPresent()) {
                    List<Double> tps = new ArrayList<>();
                    for (int run = 0; run < runs; run++) {
                        tps.add(pgbench.get().transactionsPerSecond(concurrency, (int) time.toSeconds()));
                    }
                    ceiling = Figure.of(tps);
                }
                Row row = new Row(signups, ceiling,
                        ceiling == null ? null : signups.perSecond().median() / ceiling.median());
                Bench.progress("save-email-fn c=%d: %s", concurrency, row);
                rows.add(row);
            }
            return new Result(rows, pgbench.isPresent(), launch.rssMib());
        }
    }
}
