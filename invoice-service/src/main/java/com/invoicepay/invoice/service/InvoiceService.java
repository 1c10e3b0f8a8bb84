package com.invoicepay.invoice.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.persistence.UniqueViolations;
import com.invoicepay.invoice.persistence.ConsumerCard;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.persistence.InvoiceRows;
import com.invoicepay.invoice.persistence.InvoiceRows.ConsumerFacts;
import com.invoicepay.invoice.persistence.SandboxConsumer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static com.invoicepay.invoice.service.InvoiceErrors.*;

/**
 * The invoice's life: creation, the payer's accept or reject, the scheduled payment, expiry and
 * cancel. Every status change and its event (DESIGN.md "Events") commit in one transaction
 * through the outbox. The single create runs on a Vert.x SQL connection ({@link #inTransaction});
 * callers run the others inside {@code Panache.withTransaction}.
 */
@ApplicationScoped
public class InvoiceService {
    public static final String CREATED = "Created", INVALID = "Invalid", ACCEPTED = "Accepted", PAID = "Paid",
            REJECTED = "Rejected", EXPIRED = "Expired", CANCELED = "Canceled";
    public static final String DIRECT = "Direct", LINK = "Link";
    /** Statuses after which nothing changes (DESIGN.md). */
    public static final Set<String> FINAL = Set.of(PAID, REJECTED, EXPIRED, CANCELED);
    /** A consumer receives at most this many invoices per merchant per day (10314). */
    public static final int DAILY_LIMIT = 10;
    /** Unpaid invoices expire this many days after their due date. */
    public static final int EXPIRY_DAYS_AFTER_DUE = 30;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Outbox outbox;
    private final PlatformConfig config;
    private final PayerLinks payerLinks;
    private final Pool pool;

    public InvoiceService(Clock clock, Outbox outbox, PlatformConfig config, PayerLinks payerLinks, Pool pool) {
        this.pool = pool;
        this.clock = clock;
        this.outbox = outbox;
        this.config = config;
        this.payerLinks = payerLinks;
    }

    /** Today in the issuer's country: Europe/Copenhagen or Europe/Helsinki, with daylight saving. */
    public LocalDate today(InvoiceIssuer issuer) {
        return LocalDate.ofInstant(clock.instant(), issuer.zone());
    }

    /**
     * Creates one InvoiceDirect or InvoiceLink in {@code connection}'s transaction: every rule checked first,
     * nothing stored on a refusal. Four statements (issuer, consumer, invoice, outbox) in two round trips, no
     * Hibernate session; the caller nudges the relay once the transaction committed ({@link #inTransaction}).
     */
    public Uni<Invoice> create(SqlConnection connection, UUID merchantId, InvoiceInput in, String kind, EventOrigin origin) {
        boolean link = LINK.equals(kind);
        if (in == null || in.invoiceIssuer() == null) {
            return Uni.createFrom().failure(InvoiceRules.violations(in, null, null, link).get(0)); // 11001
        }
        Instant now = clock.instant();
        String phone = InvoiceRules.phoneOf(in);
        // the daily count is for the issuer's day, which its country decides: the consumer is read with Copenhagen's
        // day in the same round trip as the issuer, and read again in the hour Helsinki is already a day ahead
        LocalDate likelyDay = LocalDate.ofInstant(now, InvoiceIssuer.COPENHAGEN);
        return Uni.combine().all().unis(InvoiceRows.issuerOf(connection, merchantId, in.invoiceIssuer()),
                        phone == null ? Uni.createFrom().item(Optional.<ConsumerFacts>empty())
                                : InvoiceRows.consumer(connection, merchantId, phone, likelyDay))
                .asTuple()
                .chain(read -> {
                    InvoiceIssuer issuer = read.getItem1().orElse(null);
                    LocalDate today = issuer == null ? null : LocalDate.ofInstant(now, issuer.zone());
                    InvoiceRules.Checked checked = InvoiceRules.check(in, issuer, today, link);
                    Uni<Optional<ConsumerFacts>> consumer = checked.consumerPhone() == null || today.equals(likelyDay)
                            ? Uni.createFrom().item(read.getItem2())
                            : InvoiceRows.consumer(connection, merchantId, checked.consumerPhone(), today);
                    return consumer.invoke(facts -> checkConsumer(checked.consumerPhone(), facts))
                            .chain(() -> store(connection, newInvoice(merchantId, issuer, in, checked, kind,
                                    requestHash(merchantId, kind, in)), issuer, origin));
                });
    }

    /**
     * 10104 is the unique index on (merchant, request hash) refusing the insert: no look-up first, so an identical
     * request costs nothing extra and a race cannot pass. The invoice and its event row go out together (pipelined,
     * one round trip): a refused insert fails the transaction, and its own failure, answered first, is the one reported.
     */
    private Uni<Invoice> store(SqlConnection connection, Invoice invoice, InvoiceIssuer issuer, EventOrigin origin) {
        return Uni.combine().all().unis(InvoiceRows.insert(connection, invoice),
                        outbox.add(connection, Topics.INVOICE_EVENTS, invoice.merchantId.toString(), event(invoice, issuer, origin)))
                .discardItems()
                .onFailure(UniqueViolations.of("invoice_identical_request"))
                .transform(e -> conflict(INVOICE_ALREADY_EXISTS, "Invoice already exists"))
                .replaceWith(invoice);
    }

    /** Runs {@code work} in one transaction on the pool; after the commit the relay publishes what it announced. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work).invoke(outbox::nudge);
    }

    /** 10101, 10102 and 10314: the consumer exists, can receive, and has room today. */
    private static void checkConsumer(String phone, Optional<ConsumerFacts> facts) {
        if (phone == null) {
            return;
        }
        ConsumerFacts consumer = facts.orElseThrow(
                () -> input(CONSUMER_NOT_FOUND, "No consumer has the phone number " + mask(phone) + "."));
        if (!consumer.available()) {
            throw input(CONSUMER_NOT_AVAILABLE, "The consumer " + mask(phone) + " cannot receive invoices.");
        }
        if (consumer.receivedToday() >= DAILY_LIMIT) {
            throw input(DAILY_LIMIT_REACHED, "The consumer has received the daily limit of "
                    + DAILY_LIMIT + " invoices from this merchant today.");
        }
    }

    Invoice newInvoice(UUID merchantId, InvoiceIssuer issuer, InvoiceInput in, InvoiceRules.Checked checked,
                               String kind, String hash) {
        Instant now = clock.instant();
        Invoice invoice = new Invoice();
        invoice.id = UUID.randomUUID();
        invoice.merchantId = merchantId;
        invoice.issuerId = issuer.id;
        invoice.kind = kind;
        invoice.status = CREATED;
        invoice.sequence = 0;
        invoice.statusDate = now;
        invoice.consumerPhone = checked.consumerPhone();
        invoice.consumerName = in.consumerName();
        invoice.totalAmount = in.totalAmount().setScale(2);
        invoice.totalVatAmount = in.totalVatAmount() == null ? null : in.totalVatAmount().setScale(2);
        invoice.currency = issuer.currency;
        invoice.invoiceNumber = in.invoiceNumber();
        invoice.paymentReference = in.paymentReference() == null || in.paymentReference().isBlank() ? null : in.paymentReference();
        invoice.issueDate = checked.issueDate();
        invoice.dueDate = checked.dueDate();
        invoice.orderDate = checked.orderDate();
        invoice.deliveryDate = checked.deliveryDate();
        invoice.comment = in.comment();
        invoice.merchantContactName = in.merchantContactName();
        invoice.merchantOrderNumber = in.merchantOrderNumber();
        invoice.buyerOrderNumber = in.buyerOrderNumber();
        invoice.invoiceUrl = in.invoiceUrl();
        invoice.redirectUrl = in.redirectUrl();
        invoice.consumerAddressLines = json(in.consumerAddressLines());
        invoice.deliveryAddressLines = json(in.deliveryAddressLines());
        invoice.articles = json(in.invoiceArticles());
        invoice.requestHash = hash;
        invoice.createdAt = now;
        invoice.createdOn = LocalDate.ofInstant(now, issuer.zone());
        if (LINK.equals(kind)) {
            byte[] token = new byte[32];
            RANDOM.nextBytes(token);
            invoice.linkToken = HexFormat.of().formatHex(token);
        }
        return invoice;
    }

    /** Cancel: allowed unless Paid, Rejected or Expired (409); Canceled again changes nothing. */
    public Uni<Void> cancel(UUID merchantId, UUID invoiceId, EventOrigin origin) {
        return lockOwned(merchantId, invoiceId).chain(invoice -> {
            if (CANCELED.equals(invoice.status)) {
                return Uni.createFrom().voidItem(); // idempotent: no change, no event
            }
            if (FINAL.contains(invoice.status)) {
                throw conflict(STATE_CONFLICT, "The invoice is " + invoice.status + " and can no longer be canceled.");
            }
            return transition(invoice, CANCELED, origin);
        });
    }

    /** The payer accepts: Accepted with the payment date; paid at once when that date is today. */
    public Uni<Invoice> accept(UUID payerId, UUID invoiceId, LocalDate paymentDate, UUID cardId, EventOrigin origin) {
        return lockForPayer(payerId, invoiceId).chain(invoice -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId)
                .chain(issuer -> {
                    if (!CREATED.equals(invoice.status)) {
                        throw conflict(STATE_CONFLICT, "The invoice is " + invoice.status + " and cannot be accepted.");
                    }
                    LocalDate today = today(issuer);
                    LocalDate date = paymentDate == null ? today : paymentDate;
                    LocalDate last = invoice.dueDate.plusDays(EXPIRY_DAYS_AFTER_DUE);
                    if (date.isBefore(today) || date.isAfter(last)) {
                        throw input(PAYMENT_DATE_INVALID, "PaymentDate must be between today (" + today + ") and " + last + ".");
                    }
                    return cardOf(payerId, cardId).chain(card -> {
                        invoice.paymentDate = date;
                        invoice.cardId = card.id;
                        return transition(invoice, ACCEPTED, origin)
                                .chain(() -> date.equals(today) ? pay(invoice, card, today, origin) : Uni.createFrom().voidItem())
                                .replaceWith(invoice);
                    });
                }));
    }

    public Uni<Invoice> reject(UUID payerId, UUID invoiceId, EventOrigin origin) {
        return lockForPayer(payerId, invoiceId).chain(invoice -> {
            if (!CREATED.equals(invoice.status) && !ACCEPTED.equals(invoice.status)) {
                throw conflict(STATE_CONFLICT, "The invoice is " + invoice.status + " and cannot be rejected.");
            }
            return transition(invoice, REJECTED, origin).replaceWith(invoice);
        });
    }

    /** Runs a due payment on {@code today}: Paid, or Expired when the card fails (DESIGN.md). */
    Uni<Void> pay(Invoice invoice, ConsumerCard card, LocalDate today, EventOrigin origin) {
        if (card == null || card.alwaysFails) {
            return transition(invoice, EXPIRED, origin);
        }
        invoice.paymentTransactionId = transactionId();
        invoice.paymentDate = today;
        return transition(invoice, PAID, origin);
    }

    /** The scheduled payments due today or earlier, at most {@code limit}; locked so two replicas split them. */
    public Uni<Integer> runDuePayments(int limit) {
        LocalDate horizon = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC).plusDays(1);
        return forEachLocked("status = 'Accepted' and payment_date <= :horizon order by payment_date", horizon, limit,
                (invoice, today) -> invoice.paymentDate.isAfter(today)
                        ? Uni.createFrom().item(false) // not yet today in the issuer's zone
                        : ConsumerCard.<ConsumerCard>findById(invoice.cardId)
                                .chain(card -> pay(invoice, card, today, EventOrigin.NONE)).replaceWith(true));
    }

    /** Created invoices not paid by DueDate + 30 days expire; locked so two replicas split them. */
    public Uni<Integer> expireUnpaid(int limit) {
        LocalDate horizon = LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC).minusDays(EXPIRY_DAYS_AFTER_DUE - 1);
        return forEachLocked("status = 'Created' and due_date < :horizon order by due_date", horizon, limit,
                (invoice, today) -> today.isAfter(invoice.dueDate.plusDays(EXPIRY_DAYS_AFTER_DUE))
                        ? transition(invoice, EXPIRED, EventOrigin.NONE).replaceWith(true)
                        : Uni.createFrom().item(false));
    }

    /**
     * Locks up to {@code limit} invoices matching {@code where} ({@code FOR UPDATE SKIP LOCKED}; the
     * horizon is a UTC day wide enough for every zone) and applies {@code step} to each with its
     * issuer's "today", one after the other; counts the invoices it changed.
     */
    private Uni<Integer> forEachLocked(String where, LocalDate horizon, int limit,
                                       java.util.function.BiFunction<Invoice, LocalDate, Uni<Boolean>> step) {
        // the ids first, then the entities: "select *" into the entity would break on every column a later
        // migration adds (expand-then-contract), and the rows stay locked by this transaction either way
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "select id from invoice where " + where + " limit :limit for update skip locked", UUID.class)
                        .setParameter("horizon", horizon)
                        .setParameter("limit", limit)
                        .getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Invoice>of()) : Invoice.<Invoice>list("id in ?1", ids))
                .chain(invoices -> {
                    Uni<Integer> done = Uni.createFrom().item(0);
                    for (Invoice invoice : invoices) {
                        done = done.chain(n -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId)
                                .chain(issuer -> step.apply(invoice, today(issuer)))
                                .map(changed -> changed ? n + 1 : n));
                    }
                    return done;
                });
    }

    /** The invoice behind a payer link's token, or 404. */
    public Uni<Invoice> byLinkToken(String token) {
        if (token == null || !token.matches("[0-9a-f]{64}")) {
            return Uni.createFrom().failure(notFound("This invoice link is unknown."));
        }
        return Invoice.<Invoice>find("linkToken", token).firstResult()
                .onItem().ifNull().failWith(() -> notFound("This invoice link is unknown."));
    }

    /** The merchant's invoice, or 404 (another merchant's invoice is just as unknown). */
    public Uni<Invoice> owned(UUID merchantId, UUID invoiceId) {
        return Invoice.<Invoice>find("id = ?1 and merchantId = ?2", invoiceId, merchantId).firstResult()
                .onItem().ifNull().failWith(() -> notFound("Invoice " + invoiceId + " was not found."));
    }

    private Uni<Invoice> lockOwned(UUID merchantId, UUID invoiceId) {
        return Invoice.<Invoice>find("id = ?1 and merchantId = ?2", invoiceId, merchantId)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult()
                .onItem().ifNull().failWith(() -> notFound("Invoice " + invoiceId + " was not found."));
    }

    /** The payer's invoice (locked for the transaction), or 404 when it was sent to another phone. */
    public Uni<Invoice> forPayer(UUID payerId, UUID invoiceId) {
        return lockForPayer(payerId, invoiceId);
    }

    /** A payer sees only invoices sent to their phone number (and links, which any payer may open). */
    private Uni<Invoice> lockForPayer(UUID payerId, UUID invoiceId) {
        return SandboxConsumer.<SandboxConsumer>findById(payerId)
                .onItem().ifNull().failWith(() -> input(AUTHENTICATED_USER_INVALID, "AuthenticatedUser is not a known payer."))
                .chain(payer -> Invoice.<Invoice>find("id", invoiceId)
                        .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult()
                        .onItem().ifNull().failWith(() -> notFound("Invoice " + invoiceId + " was not found."))
                        .invoke(invoice -> {
                            if (invoice.consumerPhone != null && !invoice.consumerPhone.equals(payer.phoneNumber)) {
                                throw notFound("Invoice " + invoiceId + " was not found.");
                            }
                        }));
    }

    private Uni<ConsumerCard> cardOf(UUID payerId, UUID cardId) {
        Uni<ConsumerCard> card = cardId == null
                ? ConsumerCard.<ConsumerCard>find("consumerId = ?1 and alwaysFails = false", payerId).firstResult()
                : ConsumerCard.<ConsumerCard>find("id = ?1 and consumerId = ?2", cardId, payerId).firstResult();
        return card.onItem().ifNull().failWith(() -> input(CARD_NOT_USABLE, "ConsumerCard is not a card of this payer."));
    }

    /** Moves an invoice to {@code status} and writes the event that announces it. */
    private Uni<Void> transition(Invoice invoice, String status, EventOrigin origin) {
        invoice.status = status;
        invoice.sequence += 1;
        invoice.statusDate = clock.instant();
        return announce(invoice, origin);
    }

    private Uni<Void> announce(Invoice invoice, EventOrigin origin) {
        // the issuer is usually already in the session (create loads it), so this is rarely a query
        return InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId).chain(issuer -> announce(invoice, issuer, origin));
    }

    private Uni<Void> announce(Invoice invoice, InvoiceIssuer issuer, EventOrigin origin) {
        return Panache.getSession().chain(session -> outbox.add(session, Topics.INVOICE_EVENTS, invoice.merchantId.toString(),
                event(invoice, issuer, origin)));
    }

    /** The event announcing the invoice's current status; a link's Created event carries its payer link. */
    EventEnvelope event(Invoice invoice, InvoiceIssuer issuer, EventOrigin origin) {
        var payload = new InvoiceStatusChanged(invoice.id, invoice.issuerId, invoice.status, invoice.statusDate,
                invoice.sequence, invoice.kind, invoice.totalAmount, invoice.currency, invoice.invoiceNumber,
                invoice.paymentReference, ACCEPTED.equals(invoice.status) || PAID.equals(invoice.status) ? invoice.paymentDate : null,
                invoice.paymentTransactionId, invoice.errorCode, invoice.errorMessage,
                LINK.equals(invoice.kind) && CREATED.equals(invoice.status) ? payerLinks.of(invoice) : null, invoice.batchId,
                new InvoiceStatusChanged.Issuer(issuer.name, issuer.country, issuer.transferMethod));
        return EventEnvelope.of(InvoiceStatusChanged.typeOf(invoice.status), InvoiceStatusChanged.SCHEMA_VERSION,
                invoice.statusDate, config.serviceName(), invoice.merchantId, origin, payload);
    }

    static String requestHash(UUID merchantId, String kind, InvoiceInput in) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((merchantId + "|" + kind + "|").getBytes(StandardCharsets.UTF_8));
            sha.update(EventJson.MAPPER.writeValueAsBytes(in));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return EventJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String transactionId() {
        return String.format("%020d", Math.abs(RANDOM.nextLong()) % 100_000_000_000_000_000L);
    }

    /** Phone numbers never appear whole in messages or logs. */
    static String mask(String phone) {
        return phone.length() <= 4 ? "****" : phone.substring(0, phone.length() - 4).replaceAll("\\d", "*") + phone.substring(phone.length() - 4);
    }
}
