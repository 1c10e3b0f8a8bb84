package com.invoicepay.invoice.service;

import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.persistence.SandboxConsumer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.exception.ConstraintViolationException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.invoicepay.invoice.service.InvoiceErrors.*;

/**
 * InvoiceDirect and InvoiceLink batches (up to {@value #MAX_BATCH}). An item that breaks a rule of
 * its own (amount, dates, references, issuer, duplicate) is rejected in the 202 answer and not stored.
 * The consumer rules (10101, 10102, 10314) do not reject an item: it is stored as Invalid and the
 * merchant learns it by callback, as the original's asynchronous validation did. All accepted items
 * and their events commit in one transaction: a batch is stored whole or not at all.
 */
@ApplicationScoped
public class InvoiceBatches {
    public static final int MAX_BATCH = 2000;

    public record Accepted(String invoiceNumber, UUID invoiceId) {
    }

    public record Error(String errorText, Integer errorCode) {
    }

    public record Rejected(String invoiceNumber, List<Error> errors) {
    }

    public record Result(List<Accepted> accepted, List<Rejected> rejected) {
    }

    private record Candidate(InvoiceInput input, InvoiceIssuer issuer, InvoiceRules.Checked checked, String hash) {
    }

    private final InvoiceService invoices;
    private final Outbox outbox;

    public InvoiceBatches(InvoiceService invoices, Outbox outbox) {
        this.invoices = invoices;
        this.outbox = outbox;
    }

    /** 11011 unless the batch holds 1 to {@value #MAX_BATCH} invoices; checked before anything is read. */
    public static void checkSize(List<?> items) {
        if (items == null || items.isEmpty() || items.size() > MAX_BATCH) {
            throw input(BATCH_SIZE, "A batch holds 1 to " + MAX_BATCH + " invoices; this one has "
                    + (items == null ? 0 : items.size()) + ".");
        }
    }

    public Uni<Result> create(UUID merchantId, List<InvoiceInput> items, String kind, EventOrigin origin) {
        checkSize(items);
        boolean link = InvoiceService.LINK.equals(kind);
        UUID batchId = UUID.randomUUID();
        return InvoiceIssuer.ofMerchant(merchantId).chain(issuerList -> {
            Map<UUID, InvoiceIssuer> issuers = issuerList.stream().collect(Collectors.toMap(i -> i.id, Function.identity()));
            List<Rejected> rejected = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (InvoiceInput in : items) {
                InvoiceIssuer issuer = in == null || in.invoiceIssuer() == null ? null : issuers.get(in.invoiceIssuer());
                LocalDate today = issuer == null ? null : invoices.today(issuer);
                List<ApiException> violations = InvoiceRules.violations(in, issuer, today, link);
                if (!violations.isEmpty()) {
                    rejected.add(new Rejected(numberOf(in), violations.stream().map(InvoiceBatches::error).toList()));
                    continue;
                }
                String hash = InvoiceService.requestHash(merchantId, kind, in);
                if (!seen.add(hash)) {
                    rejected.add(duplicate(in));
                    continue;
                }
                candidates.add(new Candidate(in, issuer, InvoiceRules.check(in, issuer, today, link), hash));
            }
            if (candidates.isEmpty()) {
                return Uni.createFrom().item(new Result(List.of(), rejected));
            }
            return existingHashes(merchantId, candidates)
                    .chain(existing -> {
                        List<Candidate> fresh = new ArrayList<>();
                        for (Candidate c : candidates) {
                            if (existing.contains(c.hash())) {
                                rejected.add(duplicate(c.input()));
                            } else {
                                fresh.add(c);
                            }
                        }
                        return consumers(merchantId, fresh).chain(consumers -> store(merchantId, fresh, consumers, kind, batchId, origin));
                    })
                    .map(accepted -> new Result(accepted, rejected));
        }).onFailure(ConstraintViolationException.class)
                .transform(e -> conflict(INVOICE_ALREADY_EXISTS, "An invoice of this batch was created at the same time by another request; nothing of the batch was stored."));
    }

    private Uni<Set<String>> existingHashes(UUID merchantId, List<Candidate> candidates) {
        List<String> hashes = candidates.stream().map(Candidate::hash).toList();
        return Panache.getSession().chain(session -> session
                        .createSelectionQuery("select i.requestHash from Invoice i where i.merchantId = :merchant and i.requestHash in :hashes", String.class)
                        .setParameter("merchant", merchantId)
                        .setParameter("hashes", hashes)
                        .getResultList())
                .map(HashSet::new);
    }

    /** What the consumer rules need for the whole batch, in two queries. */
    private record Consumers(Map<String, SandboxConsumer> byPhone, Map<String, Long> receivedOn) {
        static String day(String phone, LocalDate day) {
            return phone + "|" + day;
        }
    }

    private Uni<Consumers> consumers(UUID merchantId, List<Candidate> candidates) {
        List<String> phones = candidates.stream().map(c -> c.checked().consumerPhone()).filter(p -> p != null).distinct().toList();
        if (phones.isEmpty()) {
            return Uni.createFrom().item(new Consumers(Map.of(), Map.of()));
        }
        Uni<List<SandboxConsumer>> known = SandboxConsumer.list("phoneNumber in ?1", phones);
        return known.chain(list -> Panache.getSession().chain(session -> session.createSelectionQuery("""
                                select i.consumerPhone, i.createdOn, count(i) from Invoice i
                                where i.merchantId = :merchant and i.consumerPhone in :phones and i.status <> 'Invalid'
                                group by i.consumerPhone, i.createdOn""", Object[].class)
                        .setParameter("merchant", merchantId)
                        .setParameter("phones", phones)
                        .getResultList())
                .map(rows -> {
                    Map<String, Long> received = new HashMap<>();
                    for (Object[] row : rows) {
                        received.put(Consumers.day((String) row[0], (LocalDate) row[1]), (Long) row[2]);
                    }
                    Map<String, SandboxConsumer> byPhone = list.stream().collect(Collectors.toMap(c -> c.phoneNumber, Function.identity()));
                    return new Consumers(byPhone, received);
                }));
    }

    private Uni<List<Accepted>> store(UUID merchantId, List<Candidate> candidates, Consumers consumers, String kind,
                                      UUID batchId, EventOrigin origin) {
        List<Invoice> stored = new ArrayList<>();
        List<EventEnvelope> events = new ArrayList<>();
        List<Accepted> accepted = new ArrayList<>();
        for (Candidate c : candidates) {
            Invoice invoice = invoices.newInvoice(merchantId, c.issuer(), c.input(), c.checked(), kind, c.hash());
            invoice.batchId = batchId;
            ApiException invalid = consumerRule(invoice, consumers);
            if (invalid != null) {
                invoice.status = InvoiceService.INVALID;
                invoice.errorCode = invalid.code();
                invoice.errorMessage = invalid.description();
            }
            stored.add(invoice);
            events.add(invoices.event(invoice, c.issuer(), origin));
            accepted.add(new Accepted(invoice.invoiceNumber, invoice.id));
        }
        return Panache.getSession()
                .chain(session -> session.persistAll(stored.toArray())
                        .chain(session::flush)
                        .chain(() -> outbox.addAll(session, Topics.INVOICE_EVENTS, merchantId.toString(), events)))
                .replaceWith(accepted);
    }

    /** 10101, 10102, 10314 for one invoice of the batch, counting the batch's earlier invoices. */
    private static ApiException consumerRule(Invoice invoice, Consumers consumers) {
        String phone = invoice.consumerPhone;
        if (phone == null) {
            return null;
        }
        SandboxConsumer consumer = consumers.byPhone().get(phone);
        if (consumer == null) {
            return input(CONSUMER_NOT_FOUND, "No consumer has the phone number " + InvoiceService.mask(phone) + ".");
        }
        if (!consumer.available) {
            return input(CONSUMER_NOT_AVAILABLE, "The consumer " + InvoiceService.mask(phone) + " cannot receive invoices.");
        }
        String key = Consumers.day(phone, invoice.createdOn);
        long received = consumers.receivedOn().getOrDefault(key, 0L);
        if (received >= InvoiceService.DAILY_LIMIT) {
            return input(DAILY_LIMIT_REACHED, "The consumer has received the daily limit of "
                    + InvoiceService.DAILY_LIMIT + " invoices from this merchant today.");
        }
        consumers.receivedOn().put(key, received + 1);
        return null;
    }

    private static Rejected duplicate(InvoiceInput in) {
        return new Rejected(numberOf(in), List.of(new Error("Invoice already exists", Integer.valueOf(INVOICE_ALREADY_EXISTS))));
    }

    private static Error error(ApiException e) {
        return new Error(e.description(), Integer.valueOf(e.code()));
    }

    private static String numberOf(InvoiceInput in) {
        return in == null ? null : in.invoiceNumber();
    }
}
