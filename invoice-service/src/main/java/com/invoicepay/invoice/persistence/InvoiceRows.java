package com.invoicepay.invoice.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * The single create's statements on a Vert.x SQL connection, without a Hibernate session: a create is
 * the API's hot path, and the session's set-up, flush and dirty checking cost more CPU than the SQL
 * (JFR under the bench). They are the statements bench/InvoiceBench's pgbench baseline runs.
 */
public final class InvoiceRows {
    /** What the consumer rules (10101, 10102, 10314) need: whether the payer can receive, and what it got today. */
    public record ConsumerFacts(boolean available, long receivedToday) {
    }

    private InvoiceRows() {
    }

    /** The merchant's issuer of that id, if it has one. */
    public static Uni<Optional<InvoiceIssuer>> issuerOf(SqlConnection connection, UUID merchantId, UUID issuerId) {
        return connection.preparedQuery("""
                        select id, merchant_id, name, country, currency, transfer_method, enabled
                        from invoice_issuer where id = $1 and merchant_id = $2""")
                .execute(Tuple.of(issuerId, merchantId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(issuer(rows.iterator().next())));
    }

    private static InvoiceIssuer issuer(Row row) {
        InvoiceIssuer issuer = new InvoiceIssuer();
        issuer.id = row.getUUID("id");
        issuer.merchantId = row.getUUID("merchant_id");
        issuer.name = row.getString("name");
        issuer.country = row.getString("country");
        issuer.currency = row.getString("currency");
        issuer.transferMethod = row.getString("transfer_method");
        issuer.enabled = row.getBoolean("enabled");
        return issuer;
    }

    /** The consumer of {@code phone}, if there is one, and how many valid invoices this merchant sent it on {@code day}. */
    public static Uni<Optional<ConsumerFacts>> consumer(SqlConnection connection, UUID merchantId, String phone, LocalDate day) {
        return connection.preparedQuery("""
                        select c.available, (select count(*) from invoice i where i.merchant_id = $1 and i.consumer_phone = $2
                                and i.created_on = $3 and i.status <> 'Invalid') as received
                        from sandbox_consumer c where c.phone_number = $2""")
                .execute(Tuple.of(merchantId, phone, day))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new ConsumerFacts(row.getBoolean("available"), row.getLong("received")));
                });
    }

    /** Inserts a new invoice; fails with the database's unique violation when an identical request exists (10104). */
    public static Uni<RowSet<Row>> insert(SqlConnection connection, Invoice invoice) {
        return connection.preparedQuery("""
                        insert into invoice (id, merchant_id, issuer_id, kind, status, sequence, status_date, consumer_phone, consumer_name,
                            total_amount, total_vat_amount, currency, invoice_number, payment_reference, issue_date, due_date, order_date,
                            delivery_date, comment, merchant_contact_name, merchant_order_number, buyer_order_number, invoice_url,
                            redirect_url, consumer_address_lines, delivery_address_lines, articles, link_token, batch_id, request_hash,
                            created_at, created_on)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                            $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)""")
                .execute(Tuple.wrap(Arrays.asList(invoice.id, invoice.merchantId, invoice.issuerId, invoice.kind, invoice.status,
                        invoice.sequence, at(invoice.statusDate), invoice.consumerPhone, invoice.consumerName, invoice.totalAmount,
                        invoice.totalVatAmount, invoice.currency, invoice.invoiceNumber, invoice.paymentReference, invoice.issueDate,
                        invoice.dueDate, invoice.orderDate, invoice.deliveryDate, invoice.comment, invoice.merchantContactName,
                        invoice.merchantOrderNumber, invoice.buyerOrderNumber, invoice.invoiceUrl, invoice.redirectUrl,
                        invoice.consumerAddressLines, invoice.deliveryAddressLines, invoice.articles, invoice.linkToken,
                        invoice.batchId, invoice.requestHash, at(invoice.createdAt), invoice.createdOn)));
    }

    /** The client binds timestamptz from OffsetDateTime, not Instant. */
    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
