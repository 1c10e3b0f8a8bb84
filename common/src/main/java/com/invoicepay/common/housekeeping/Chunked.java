package com.invoicepay.common.housekeeping;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A purge or erasure in bounded chunks: the statement (with its own {@code limit}) runs again while it
 * affected a whole chunk, each run its own transaction, so a long backlog never holds one long transaction.
 */
public final class Chunked {
    private Chunked() {
    }

    /** Runs {@code statement} with {@code args} until it affects fewer than {@code chunk} rows; answers the rows affected in all. */
    public static Uni<Long> repeat(Pool pool, String statement, Tuple args, int chunk) {
        return repeat(pool, statement, args, chunk, 0);
    }

    private static Uni<Long> repeat(Pool pool, String statement, Tuple args, int chunk, long sofar) {
        return pool.preparedQuery(statement).execute(args).chain(rows -> rows.rowCount() < chunk
                ? Uni.createFrom().item(sofar + rows.rowCount())
                : repeat(pool, statement, args, chunk, sofar + rows.rowCount()));
    }
}
