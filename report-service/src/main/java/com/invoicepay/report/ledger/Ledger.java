package com.invoicepay.report.ledger;

import com.invoicepay.common.tracing.TraceContexts;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.report.transfer.BankReference;
import com.invoicepay.report.transfer.TransferWriter;
import com.invoicepay.report.transfer.TransferWriter.NewTransfer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/**
 * Books an invoice payment into the append-only ledger of its payment point (the invoice issuer):
 * a Payment entry, its TransactionFee entry, and for an Instant issuer the transfer at once. All in
 * the caller's transaction, next to the event's dedup row.
 */
@ApplicationScoped
public class Ledger {
    private final Fees fees;
    private final TransferWriter transfers;
    private final Clock clock;

    public Ledger(Fees fees, TransferWriter transfers, Clock clock) {
        this.fees = fees;
        this.transfers = transfers;
        this.clock = clock;
    }

    public static ZoneId zoneOf(String country) {
        return new InvoiceStatusChanged.Issuer(null, country, null).zone();
    }

    /** What a Paid event led to: whether its Payment was new, and the instant transfer if one was made. */
    public record Booked(boolean newPayment, UUID transferId) {
    }

    /**
     * {@code traceParent}: the trace the payment's pending entries and its instant transfer's announcement
     * continue (the consuming span of the event's record), null for none.
     */
    public Uni<Booked> bookPaid(Mutiny.Session session, EventEnvelope event, InvoiceStatusChanged paid, String traceParent) {
        if (paid.invoiceId() == null || paid.invoiceIssuerId() == null || paid.totalAmount() == null
                || paid.currency() == null || event.merchantId() == null) {
            throw new IllegalArgumentException("InvoicePaid " + event.eventId() + " lacks invoice, issuer, amount, currency or merchant");
        }
        if (paid.totalAmount().signum() <= 0) {
            throw new IllegalArgumentException("InvoicePaid " + event.eventId() + " has a non-positive amount");
        }
        InvoiceStatusChanged.Issuer issuer = issuerOf(paid);
        Instant paidAt = paid.date() != null ? paid.date() : event.occurredAt();
        LocalDate paidOn = LocalDate.ofInstant(paidAt, issuer.zone());
        if (!"Daily".equals(issuer.transferMethod())) {
            return book(session, event, paid, issuer, paidAt, paidOn, traceParent);
        }
        // Daily: a payment of a day whose transfer has already run is carried by the next night that has not run
        // yet: today's, or, when the sandbox clock was moved back past nights that ran, the day after the latest one
        LocalDate today = LocalDate.ofInstant(clock.instant(), issuer.zone());
        return LedgerLocks.shared(session)
                .chain(() -> session.createNativeQuery("""
                                select case when bool_or(business_day = :day) then cast(max(business_day) as text) end
                                from transfer where method = 'Daily' and payment_point_id = :point and currency = :currency
                                and business_day >= :day""", String.class)
                        .setParameter("point", paid.invoiceIssuerId())
                        .setParameter("day", paidOn)
                        .setParameter("currency", paid.currency())
                        .getSingleResult())
                .chain(latestRun -> {
                    LocalDate day = paidOn;
                    if (latestRun != null) {
                        LocalDate next = LocalDate.parse(latestRun).plusDays(1);
                        day = today.isAfter(next) ? today : next;
                    }
                    return book(session, event, paid, issuer, paidAt, day, traceParent);
                });
    }

    private Uni<Booked> book(Mutiny.Session session, EventEnvelope event, InvoiceStatusChanged paid,
                             InvoiceStatusChanged.Issuer issuer, Instant paidAt, LocalDate businessDay, String traceParent) {
        BigDecimal amount = paid.totalAmount().setScale(2, RoundingMode.HALF_UP);
        BigDecimal fee = fees.of(amount, paid.currency());
        UUID paymentId = UUID.randomUUID();
        UUID feeId = UUID.randomUUID();

        return upsertPaymentPoint(session, event, paid, issuer)
                .chain(() -> session.createNativeQuery("select cast(merchant_id as text) from payment_point where id = :id", String.class)
                        .setParameter("id", paid.invoiceIssuerId()).getSingleResult())
                .invoke(owner -> {
                    if (!owner.equals(event.merchantId().toString())) {
                        // an issuer belongs to one merchant: never book into another merchant's payment point
                        throw new IllegalArgumentException("InvoicePaid " + event.eventId() + " of merchant " + event.merchantId()
                                + " names payment point " + paid.invoiceIssuerId() + " of another merchant");
                    }
                })
                .chain(() -> session.createNativeQuery("""
                                insert into paid_invoice (invoice_id, merchant_id, payment_point_id, event_id, received_at)
                                values (:invoice, :merchant, :point, :event, :at) on conflict do nothing""")
                        .setParameter("invoice", paid.invoiceId())
                        .setParameter("merchant", event.merchantId())
                        .setParameter("point", paid.invoiceIssuerId())
                        .setParameter("event", event.eventId())
                        .setParameter("at", clock.instant())
                        .executeUpdate())
                .chain(() -> entry(session, paymentId, "Payment", amount, event, paid, paidAt, businessDay)
                        .executeUpdate())
                .chain(inserted -> {
                    if (inserted == 0) {
                        return Uni.createFrom().item(new Booked(false, null)); // this invoice's payment is booked already
                    }
                    Uni<Integer> feeEntry = fee.signum() == 0 ? Uni.createFrom().item(0)
                            : entry(session, feeId, "TransactionFee", fee.negate(), event, paid, paidAt, businessDay)
                            .executeUpdate();
                    return feeEntry.chain(feeBooked -> pending(session, feeBooked == 1 ? List.of(paymentId, feeId) : List.of(paymentId), traceParent)
                            .replaceWith(feeBooked)).chain(feeBooked -> {
                        if (!"Instant".equals(issuer.transferMethod())) {
                            return Uni.createFrom().item(new Booked(true, null));
                        }
                        BigDecimal net = amount.subtract(fee);
                        if (net.signum() <= 0) {
                            return Uni.createFrom().item(new Booked(true, null)); // nothing to transfer
                        }
                        Instant now = clock.instant();
                        NewTransfer t = new NewTransfer(UUID.randomUUID(), paid.invoiceIssuerId(), event.merchantId(),
                                "Instant", null, LocalDate.ofInstant(now, issuer.zone()), null,
                                BankReference.instant(paid.paymentReference(), paid.invoiceNumber()), net,
                                paid.currency(), now);
                        List<UUID> settled = feeBooked == 1 ? List.of(paymentId, feeId) : List.of(paymentId);
                        return transfers.write(session, t, settled, traceParent).replaceWith(new Booked(true, t.id()));
                    });
                });
    }

    private static Mutiny.MutationQuery entry(Mutiny.Session session, UUID id, String type, BigDecimal amount,
                                              EventEnvelope event, InvoiceStatusChanged paid, Instant at, LocalDate day) {
        return session.createNativeQuery("""
                        insert into ledger_entry (id, payment_point_id, merchant_id, type, amount, currency, occurred_at,
                                                  business_day, invoice_id, payment_transaction_id, invoice_number,
                                                  payment_reference, event_id)
                        values (:id, :point, :merchant, :type, :amount, :currency, :at, :day, :invoice, :tx, :number,
                                :reference, :event)
                        on conflict do nothing""")
                .setParameter("id", id)
                .setParameter("point", paid.invoiceIssuerId())
                .setParameter("merchant", event.merchantId())
                .setParameter("type", type)
                .setParameter("amount", amount)
                .setParameter("currency", paid.currency())
                .setParameter("at", at)
                .setParameter("day", day)
                .setParameter("invoice", paid.invoiceId())
                .setParameter("tx", paid.paymentTransactionId())
                .setParameter("number", paid.invoiceNumber())
                .setParameter("reference", paid.paymentReference())
                .setParameter("event", event.eventId());
    }

    /** Puts entries on the night run's work list (pending_entry) until a transfer settles them. */
    public static Uni<Integer> pending(Mutiny.Session session, List<UUID> entryIds) {
        return pending(session, entryIds, TraceContexts.current());
    }

    /** The same, the entries waiting in the trace of {@code traceParent}. */
    public static Uni<Integer> pending(Mutiny.Session session, List<UUID> entryIds, String traceParent) {
        return session.createNativeQuery("""
                        insert into pending_entry (entry_id, payment_point_id, business_day, currency, amount, trace_parent)
                        select id, payment_point_id, business_day, currency, amount, cast(:traceParent as text)
                        from ledger_entry where id in (:ids)""")
                .setParameter("ids", entryIds)
                // the payment's trace, so the daily transfer that settles it can link to it
                .setParameter("traceParent", traceParent)
                .executeUpdate();
    }

    /** The events' issuer, or what the payment itself implies when an older event lacks it. */
    static InvoiceStatusChanged.Issuer issuerOf(InvoiceStatusChanged paid) {
        InvoiceStatusChanged.Issuer issuer = paid.issuer();
        String country = issuer != null && issuer.country() != null ? issuer.country()
                : "EUR".equals(paid.currency()) ? "FI" : "DK";
        String method = issuer != null && "Daily".equals(issuer.transferMethod()) ? "Daily" : "Instant";
        return new InvoiceStatusChanged.Issuer(issuer == null ? null : issuer.name(), country, method);
    }

    private static Uni<Integer> upsertPaymentPoint(Mutiny.Session session, EventEnvelope event, InvoiceStatusChanged paid,
                                                   InvoiceStatusChanged.Issuer issuer) {
        // a later event describes the issuer as it is now; an older one redelivered changes nothing
        return session.createNativeQuery("""
                        insert into payment_point (id, merchant_id, name, country, transfer_method, currency, updated_at)
                        values (:id, :merchant, cast(:name as text), :country, :method, :currency, :at)
                        on conflict (id) do update set name = excluded.name, country = excluded.country,
                            transfer_method = excluded.transfer_method, currency = excluded.currency,
                            updated_at = excluded.updated_at
                        where payment_point.updated_at <= excluded.updated_at
                          and payment_point.merchant_id = excluded.merchant_id""")
                .setParameter("id", paid.invoiceIssuerId())
                .setParameter("merchant", event.merchantId())
                .setParameter("name", issuer.name())
                .setParameter("country", issuer.country())
                .setParameter("method", issuer.transferMethod())
                .setParameter("currency", paid.currency())
                .setParameter("at", event.occurredAt())
                .executeUpdate();
    }
}
