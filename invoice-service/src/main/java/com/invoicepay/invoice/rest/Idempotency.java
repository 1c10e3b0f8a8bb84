package com.invoicepay.invoice.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code Idempotency-Key} on the creating POSTs, scoped to client, merchant and route: the same key and
 * body within 24 hours answers the first answer again and creates nothing; the same key with another
 * body is a 409 (11016). The record is written in the caller's transaction, so a request that fails
 * leaves no record and may be retried with the same key; a concurrent twin waits on the record's key
 * and then replays.
 */
@ApplicationScoped
public class Idempotency {
    public static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final ObjectMapper json;

    public Idempotency(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Response> once(CallerContext caller, String key, String route, Object body, Supplier<Uni<Response>> action) {
        if (key == null) {
            return action.get();
        }
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw InvoiceErrors.input(InvoiceErrors.FIELD_TOO_LONG, "Idempotency-Key must be 1 to 255 visible ASCII characters.");
        }
        String hash = hash(body);
        List<Object> scope = List.of(caller.clientId(), caller.merchantId(), route, key);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        delete from idempotency_record where client_id = :client and merchant_id = :merchant and route = :route
                        and idem_key = :key and created_at < now() - interval '24 hours'""")
                .setParameter("client", scope.get(0)).setParameter("merchant", scope.get(1))
                .setParameter("route", route).setParameter("key", key).executeUpdate()
                .chain(() -> session.createNativeQuery("""
                                insert into idempotency_record (client_id, merchant_id, route, idem_key, request_hash)
                                values (:client, :merchant, :route, :key, :hash) on conflict do nothing""")
                        .setParameter("client", scope.get(0)).setParameter("merchant", scope.get(1))
                        .setParameter("route", route).setParameter("key", key).setParameter("hash", hash).executeUpdate())
                .chain(inserted -> inserted == 1
                        ? action.get().call(response -> session.createNativeQuery("""
                                        update idempotency_record set status = :status, body = :body
                                        where client_id = :client and merchant_id = :merchant and route = :route and idem_key = :key""")
                                .setParameter("status", response.getStatus()).setParameter("body", write(response.getEntity()))
                                .setParameter("client", scope.get(0)).setParameter("merchant", scope.get(1))
                                .setParameter("route", route).setParameter("key", key).executeUpdate())
                        : session.createNativeQuery("""
                                        select request_hash, status, body from idempotency_record
                                        where client_id = :client and merchant_id = :merchant and route = :route and idem_key = :key""", Object[].class)
                                .setParameter("client", scope.get(0)).setParameter("merchant", scope.get(1))
                                .setParameter("route", route).setParameter("key", key).getSingleResult()
                                .map(row -> replay(hash, row))));
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
