package com.invoicepay.common.web;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures become 503 90053 (a server we depend on is away) rather than 500 90050. */
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
}
