package com.invoicepay.common.web;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which failures become 503 90053 (a server we depend on is away) or 400 90040 (a value PostgreSQL cannot store)
 * rather than 500 90050.
 */
class ErrorMappersTest {
    @Test
    void aRefusedOrLostConnectionUnderTheReactiveClientsWrappersIsADependencyOutage() {
        assertTrue(ErrorMappers.dependencyUnreachable(new CompletionException(
                new IllegalStateException("session failed", new ConnectException("Connection refused: /127.0.0.1:5432")))));
        assertTrue(ErrorMappers.dependencyUnreachable(new RuntimeException(io.vertx.sqlclient.ClosedConnectionException.INSTANCE)));
        assertTrue(ErrorMappers.dependencyUnreachable(new CompletionException(new io.vertx.pgclient.PgException(
                "terminating connection due to administrator command", "FATAL", "57P01", null))));
    }

    @Test
    void aProgrammingErrorIsNot() {
        assertFalse(ErrorMappers.dependencyUnreachable(new IllegalStateException("bug", new NullPointerException())));
        assertFalse(ErrorMappers.dependencyUnreachable(new CompletionException(new IllegalArgumentException())));
        assertFalse(ErrorMappers.dependencyUnreachable(new io.vertx.pgclient.PgException(
                "duplicate key value violates unique constraint", "ERROR", "23505", null)), "a constraint is ours to answer");
    }

    @Test
    void aValuePostgresRefusesAsDataIsTheClientsUnderEitherClientsWrapper() {
        // Hibernate Reactive: DataException(SQLException with the SQLSTATE); the Vert.x client: PgException
        assertEquals("A text in the request contains a character that cannot be stored (such as U+0000).",
                ErrorMappers.unstorableValue(new CompletionException(new RuntimeException("error executing SQL statement",
                        new java.sql.SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")))));
        assertEquals("A date or time in the request is out of range.", ErrorMappers.unstorableValue(
                new io.vertx.pgclient.PgException("date out of range", "ERROR", "22008", null)));
        assertEquals("A number in the request is out of range.", ErrorMappers.unstorableValue(
                new io.vertx.pgclient.PgException("numeric field overflow", "ERROR", "22003", null)));
        assertEquals("A value in the request is invalid.", ErrorMappers.unstorableValue(
                new io.vertx.pgclient.PgException("invalid input syntax for type uuid", "ERROR", "22P02", null)));
    }

    @Test
    void otherDatabaseFailuresAreNotTheClients() {
        assertNull(ErrorMappers.unstorableValue(new io.vertx.pgclient.PgException(
                "duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertNull(ErrorMappers.unstorableValue(new io.vertx.pgclient.PgException(
                "deadlock detected", "ERROR", "40P01", null)));
        assertNull(ErrorMappers.unstorableValue(new IllegalStateException("bug", new NullPointerException())));
    }
}
