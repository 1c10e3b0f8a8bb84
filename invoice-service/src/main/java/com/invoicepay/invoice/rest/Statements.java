package com.invoicepay.invoice.rest;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.regex.Pattern;

/**
 * Plain SQL in whichever transaction a route runs: Hibernate Reactive's session (the batches) or a
 * Vert.x SQL connection (the single creates), so {@link Idempotency} keeps one set of statements for both.
 * Parameters are written {@code $1, $2, ...}, as PostgreSQL and the Vert.x client number them.
 */
interface Statements {
    Uni<Integer> update(String sql, Object... parameters);

    /** The one row the statement selects, as its column values. */
    Uni<Object[]> row(String sql, Object... parameters);

    static Statements of(SqlConnection connection) {
        return new Statements() {
            @Override
            public Uni<Integer> update(String sql, Object... parameters) {
                return connection.preparedQuery(sql).execute(Tuple.from(parameters)).map(rows -> rows.rowCount());
            }

            @Override
            public Uni<Object[]> row(String sql, Object... parameters) {
                return connection.preparedQuery(sql).execute(Tuple.from(parameters)).map(rows -> {
                    Row row = rows.iterator().next();
                    Object[] values = new Object[row.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = row.getValue(i);
                    }
                    return values;
                });
            }
        };
    }

    /** Hibernate numbers native parameters {@code ?1, ?2, ...}. */
    Pattern NUMBERED = Pattern.compile("\\$(\\d+)");

    static Statements of(Mutiny.Session session) {
        return new Statements() {
            @Override
            public Uni<Integer> update(String sql, Object... parameters) {
                var query = session.createNativeQuery(NUMBERED.matcher(sql).replaceAll("?$1"));
                for (int i = 0; i < parameters.length; i++) {
                    query.setParameter(i + 1, parameters[i]);
                }
                return query.executeUpdate();
            }

            @Override
            public Uni<Object[]> row(String sql, Object... parameters) {
                var query = session.createNativeQuery(NUMBERED.matcher(sql).replaceAll("?$1"), Object[].class);
                for (int i = 0; i < parameters.length; i++) {
                    query.setParameter(i + 1, parameters[i]);
                }
                return query.getSingleResult();
            }
        };
    }
}
