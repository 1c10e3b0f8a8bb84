package com.invoicepay.invoice.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} on the creating POSTs, scoped to client, merchant and route: the same key and
 * body within 24 hours answers the first answer again and creates nothing; the same key with another
 * body is a 409 (11016). The record is written in the caller's transaction, so a request that fails
 * leaves no record and may be retried with the same key; a concurrent twin waits on the record's key
 * and then replays. Records older than 24 hours are purged every hour ({@code invoice.idempotency.purge-interval}).
 */
@ApplicationScoped
public class Idempotency {
    private static final Logger LOG = Logger.getLogger(Idempotency.class);
    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final ObjectMapper json;
    private final Pool pool;

    public Idempotency(ObjectMapper json, Pool pool) {
        this.json = json;
        this.pool = pool;
    }

    /** Deletes the records whose 24 hours are over (a reused key deletes its own one first anyway); answers how many. */
    public Uni<Integer> purgeExpired() {
        return pool.query("delete from idempotency_record where created_at < now() - interval '24 hours'").execute()
                .map(rows -> rows.rowCount());
    }

    @Scheduled(every = "${invoice.idempotency.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purgeTick() {
        return purgeExpired().onFailure().invoke(e -> LOG.warnf("idempotency records not purged, retrying on the next tick: %s", e))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** In the Hibernate session's transaction (the batch routes). */
    public Uni<Response> once(CallerContext caller, String key, String route, Object body, Supplier<Uni<Response>> action) {
        if (key == null) {
            return action.get();
        }
        return Panache.getSession().chain(session -> once(Statements.of(session), caller, key, route, body, action));
    }

    /** In a Vert.x SQL connection's transaction (the single creates). */
    public Uni<Response> once(SqlConnection connection, CallerContext caller, String key, String route, Object body,
                              Supplier<Uni<Response>> action) {
        if (key == null) {
            return action.get();
        }
        return once(Statements.of(connection), caller, key, route, body, action);
    }

    private Uni<Response> once(Statements sql, CallerContext caller, String key, String route, Object body,
                               Supplier<Uni<Response>> action) {
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw InvoiceErrors.input(InvoiceErrors.FIELD_TOO_LONG, "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        String hash = hash(body);
        String client = caller.clientId();
        UUID merchant = caller.merchantId();
        return sql.update("""
                        delete from idempotency_record where client_id = $1 and merchant_id = $2 and route = $3
                        and idem_key = $4 and created_at < now() - interval '24 hours'""", client, merchant, route, key)
                .chain(() -> sql.update("""
                        insert into idempotency_record (client_id, merchant_id, route, idem_key, request_hash)
                        values ($1, $2, $3, $4, $5) on conflict do nothing""", client, merchant, route, key, hash))
                .chain(inserted -> inserted == 1
                        ? action.get().call(response -> sql.update("""
                                        update idempotency_record set status = $5, body = $6
                                        where client_id = $1 and merchant_id = $2 and route = $3 and idem_key = $4""",
                                client, merchant, route, key, response.getStatus(), write(response.getEntity())))
                        : sql.row("""
                                        select request_hash, status, body from idempotency_record
                                        where client_id = $1 and merchant_id = $2 and route = $3 and idem_key = $4""",
                                        client, merchant, route, key)
                                .map(row -> replay(hash, row)));
    }

    private static Response replay(String hash, Object[] row) {
        if (!hash.equals(row[0])) {
            throw InvoiceErrors.conflict(InvoiceErrors.IDEMPOTENCY_KEY_REUSED,
                    "This Idempotency-Key was used within 24 hours with another request body.");
        }
        if (row[1] == null) {
            throw InvoiceErrors.conflict(InvoiceErrors.IDEMPOTENCY_KEY_REUSED, "A request with this Idempotency-Key is still being processed.");
        }
        return Response.status(((Number) row[1]).intValue()).entity(row[2]).type(MediaType.APPLICATION_JSON_TYPE)
                .header(REPLAYED, "true").build();
    }

    private String write(Object entity) {
        try {
            return entity == null ? null : json.writeValueAsString(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body as the API read it (after case-insensitive binding), so key order and case do not matter. */
    private static String hash(Object body) {
        try {
            byte[] bytes = EventJson.MAPPER.writeValueAsBytes(body);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
