package com.invoicepay.report.rest;

import com.invoicepay.report.rest.ReportingViews.PaymentPoint;
import com.invoicepay.report.rest.ReportingViews.Transaction;
import com.invoicepay.report.rest.ReportingViews.Transfer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** The Reporting API's reads: one merchant's rows only, a page at a time, in PostgreSQL. */
@ApplicationScoped
public class ReportingQueries {
    private final Pool pool;

    public ReportingQueries(Pool pool) {
        this.pool = pool;
    }

    /** A page of rows plus whether another page follows. */
    public record Page<T>(List<T> items, boolean more) {
    }

    public record Paging(int size, int number, boolean ascending) {
        int offset() {
            return (number - 1) * size;
        }
    }

    /** The owner of a payment point, or null when there is no such payment point. */
    public Uni<UUID> ownerOfPaymentPoint(UUID id) {
        return owner("select merchant_id from payment_point where id = $1", id);
    }

    public Uni<UUID> ownerOfTransfer(UUID id) {
        return owner("select merchant_id from transfer where id = $1", id);
    }

    private Uni<UUID> owner(String sql, UUID id) {
        return pool.preparedQuery(sql).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("merchant_id"));
    }

    public Uni<Page<PaymentPoint>> paymentPoints(UUID merchantId, Paging paging) {
        return pool.preparedQuery("""
                        select id, name from payment_point where merchant_id = $1
                        order by name nulls last, id limit $2 offset $3""")
                .execute(Tuple.of(merchantId, paging.size() + 1, paging.offset()))
                .map(rows -> page(rows, paging, r -> new PaymentPoint(r.getUUID("id").toString(), r.getString("name"),
                        "Invoice", null)));
    }

    public Uni<Page<Transaction>> transactions(UUID merchantId, UUID paymentPointId, UUID transferId,
                                               OffsetDateTime start, OffsetDateTime end, Paging paging) {
        String dir = paging.ascending() ? "asc" : "desc";
        return pool.preparedQuery("""
                        select e.type, e.amount, e.currency, e.occurred_at, e.payment_transaction_id, e.payment_reference,
                               e.invoice_number, t.reference as transfer_reference, t.transfer_date
                        from ledger_entry e
                        left join transfer_item ti on ti.entry_id = e.id
                        left join transfer t on t.id = coalesce(e.transfer_id, ti.transfer_id)
                        where e.merchant_id = $1
                          and ($2::uuid is null or e.payment_point_id = $2)
                          and ($3::uuid is null or t.id = $3)
                          and ($4::timestamptz is null or e.occurred_at >= $4)
                          and ($5::timestamptz is null or e.occurred_at <= $5)
                        order by e.occurred_at %s, e.seq %s limit $6 offset $7""".formatted(dir, dir))
                .execute(Tuple.from(Arrays.asList(merchantId, paymentPointId, transferId, start, end,
                        paging.size() + 1, paging.offset())))
                .map(rows -> page(rows, paging, r -> new Transaction(
                        r.getString("payment_transaction_id"), r.getString("type"), r.getBigDecimal("amount"),
                        r.getString("currency").trim(), timestamp(r.getOffsetDateTime("occurred_at").toInstant()),
                        r.getString("payment_reference"), r.getString("invoice_number"),
                        r.getString("transfer_reference"),
                        r.getLocalDate("transfer_date") == null ? null : r.getLocalDate("transfer_date").toString())));
    }

    public Uni<Page<Transfer>> transfers(UUID merchantId, UUID paymentPointId, LocalDate start, LocalDate end,
                                         String reference, Paging paging) {
        String dir = paging.ascending() ? "asc" : "desc";
        return pool.preparedQuery("""
                        select id, reference, executed_at, amount, currency, payment_point_id from transfer
                        where merchant_id = $1
                          and ($2::uuid is null or payment_point_id = $2)
                          and ($3::date is null or transfer_date >= $3)
                          and ($4::date is null or transfer_date <= $4)
                          and ($5::text is null or reference = $5)
                        order by executed_at %s, id %s limit $6 offset $7""".formatted(dir, dir))
                .execute(Tuple.from(Arrays.asList(merchantId, paymentPointId, start, end, reference,
                        paging.size() + 1, paging.offset())))
                .map(rows -> page(rows, paging, ReportingQueries::transfer));
    }

    public Uni<Transfer> transfer(UUID merchantId, UUID transferId) {
        return pool.preparedQuery("""
                        select id, reference, executed_at, amount, currency, payment_point_id from transfer
                        where id = $1 and merchant_id = $2""")
                .execute(Tuple.of(transferId, merchantId))
                .map(rows -> rows.size() == 0 ? null : transfer(rows.iterator().next()));
    }

    private static Transfer transfer(Row r) {
        return new Transfer(r.getUUID("id").toString(), r.getString("reference"),
                timestamp(r.getOffsetDateTime("executed_at").toInstant()), r.getBigDecimal("amount"),
                r.getString("currency").trim(), r.getUUID("payment_point_id").toString());
    }

    /** reporting.yaml's date-time: {@code YYYY-MM-DDTHH:mm:ssZ}. */
    static String timestamp(Instant at) {
        return DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    private static <T> Page<T> page(io.vertx.mutiny.sqlclient.RowSet<Row> rows, Paging paging,
                                    java.util.function.Function<Row, T> map) {
        List<T> items = new ArrayList<>();
        for (Row r : rows) {
            if (items.size() < paging.size()) {
                items.add(map.apply(r));
            }
        }
        return new Page<>(items, rows.size() > paging.size());
    }
}
