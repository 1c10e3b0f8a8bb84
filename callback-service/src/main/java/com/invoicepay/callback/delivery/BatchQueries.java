package com.invoicepay.callback.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.callback.CallbackErrors;
import com.invoicepay.common.web.PlatformErrors;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Read side of batches and attempts, for merchants (their own) and operators (all). Blocking. */
@ApplicationScoped
public class BatchQueries {
    private static final Duration AWAIT = Duration.ofSeconds(30);

    public record BatchSummary(UUID batchId, UUID merchantId, String state, boolean test, int attempts, int itemCount,
                               Instant createdAt, Instant nextAttemptAt, Instant deliveredAt, Instant deadLetteredAt) {
    }

    public record BatchList(List<BatchSummary> batches) {
    }

    public record Attempt(int attempt, String url, Instant startedAt, Integer statusCode, Long responseMillis,
                          String error, String responseBody, String outcome, Instant nextAttemptAt) {
    }

    public record BatchDetails(UUID batchId, UUID merchantId, String state, boolean test, int attempts,
                               Instant createdAt, Instant nextAttemptAt, List<JsonNode> items, List<Attempt> attemptLog) {
    }

    private final Pool pool;

    public BatchQueries(Pool pool) {
        this.pool = pool;
    }

    /**
     * The {@code limit} query parameter (default 100, held to 1-1000). Taken as text by the resources: a number
     * parameter that does not convert would be a 404 by JAX-RS's rule.
     */
    static int limit(String text) {
        if (text == null || text.isBlank()) {
            return 100;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw CallbackErrors.input(PlatformErrors.MALFORMED_REQUEST, "limit must be an integer.");
        }
    }

    /** The operators' {@code merchantId} filter, taken as text like {@link #limit(String)}; null for every merchant. */
    static UUID merchantFilter(String text) {
        try {
            return text == null || text.isBlank() ? null : UUID.fromString(text.trim());
        } catch (IllegalArgumentException e) {
            throw CallbackErrors.input(PlatformErrors.MALFORMED_REQUEST, "merchantId must be a UUID.");
        }
    }

    public BatchList list(UUID merchantId, String state, int limit) {
        int n = Math.max(1, Math.min(limit, 1000));
        var rows = pool.preparedQuery("""
                        select b.*, (select count(*) from pending_item p where p.batch_id = b.id) as item_count
                        from callback_batch b
                        where ($1::uuid is null or b.merchant_id = $1) and ($2::varchar is null or b.state = $2)
                        order by b.created_at desc, b.id limit $3""")
                .execute(Tuple.of(merchantId, state, n)).await().atMost(AWAIT);
        List<BatchSummary> list = new ArrayList<>();
        for (Row r : rows) {
            list.add(new BatchSummary(r.getUUID("id"), r.getUUID("merchant_id"), r.getString("state"), r.getBoolean("test"),
                    r.getInteger("attempts"), r.getLong("item_count").intValue(), instant(r, "created_at"),
                    instant(r, "next_attempt_at"), instant(r, "delivered_at"), instant(r, "dead_lettered_at")));
        }
        return new BatchList(list);
    }

    /** {@code merchantId} null: any merchant's batch (operators). */
    public BatchDetails details(UUID merchantId, UUID batchId) {
        var batch = pool.preparedQuery("select * from callback_batch where id = $1 and ($2::uuid is null or merchant_id = $2)")
                .execute(Tuple.of(batchId, merchantId)).await().atMost(AWAIT);
        if (batch.size() == 0) {
            throw CallbackErrors.notFound(CallbackErrors.BATCH_NOT_FOUND, "No such callback batch.");
        }
        Row b = batch.iterator().next();
        List<JsonNode> items = new ArrayList<>();
        for (Row r : pool.preparedQuery("select * from pending_item where batch_id = $1 order by status_date, sequence, id")
                .execute(Tuple.of(batchId)).await().atMost(AWAIT)) {
            items.add(Deliveries.item(r));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (Row r : pool.preparedQuery("select * from delivery_attempt where batch_id = $1 order by id")
                .execute(Tuple.of(batchId)).await().atMost(AWAIT)) {
            attempts.add(new Attempt(r.getInteger("attempt"), r.getString("url"), instant(r, "started_at"),
                    r.getInteger("status_code"), r.getLong("response_ms"), r.getString("error"), r.getString("response_body"),
                    r.getString("outcome"), instant(r, "next_attempt_at")));
        }
        return new BatchDetails(batchId, b.getUUID("merchant_id"), b.getString("state"), b.getBoolean("test"),
                b.getInteger("attempts"), instant(b, "created_at"), instant(b, "next_attempt_at"), items, attempts);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
