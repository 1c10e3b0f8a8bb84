package com.invoicepay.invoice.service;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.events.ConsentChanged;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.events.Topics;
import com.invoicepay.common.outbox.Outbox;
import com.invoicepay.common.persistence.UniqueViolations;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.persistence.DirectInvoiceConsent;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.SandboxConsumer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.invoice.persistence.DirectInvoiceConsent.*;
import static com.invoicepay.invoice.service.InvoiceErrors.*;

/**
 * Direct-invoice consents: the merchant asks through one of its invoices, the payer grants or
 * declines (user simulation), the merchant lists the granted ones page by page, and the payer may
 * revoke. Every change is announced as ConsentChanged through the outbox.
 */
@ApplicationScoped
public class ConsentService {
    private static final Map<String, Integer> STATES = Map.of("1", PENDING, "2", GRANTED, "3", DECLINED, "4", REVOKED,
            "pending", PENDING, "granted", GRANTED, "declined", DECLINED, "revoked", REVOKED);

    public record Page(List<DirectInvoiceConsent> consents, String pagingState) {
    }

    private final Clock clock;
    private final Outbox outbox;
    private final PlatformConfig config;
    private final InvoiceService invoices;
    private final int pageSize;

    public ConsentService(Clock clock, Outbox outbox, PlatformConfig config, InvoiceService invoices,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "invoice.consents.page-size", defaultValue = "100") int pageSize) {
        this.pageSize = pageSize;
        this.clock = clock;
        this.outbox = outbox;
        this.config = config;
        this.invoices = invoices;
    }

    /** One consent per invoice (11017); the invoice must be the merchant's and still open. */
    public Uni<DirectInvoiceConsent> request(UUID merchantId, UUID invoiceId, EventOrigin origin) {
        if (invoiceId == null) {
            throw input(FIELD_REQUIRED, "InvoiceId is required.");
        }
        return invoices.owned(merchantId, invoiceId).chain(invoice -> {
            if (InvoiceService.FINAL.contains(invoice.status) && !InvoiceService.PAID.equals(invoice.status)
                    || InvoiceService.INVALID.equals(invoice.status)) {
                throw conflict(STATE_CONFLICT, "The invoice is " + invoice.status + "; a consent cannot be asked through it.");
            }
            return DirectInvoiceConsent.count("invoiceId", invoiceId).chain(existing -> {
                if (existing > 0) {
                    throw alreadyRequested(invoiceId);
                }
                DirectInvoiceConsent consent = new DirectInvoiceConsent();
                consent.id = UUID.randomUUID();
                consent.merchantId = merchantId;
                consent.issuerId = invoice.issuerId;
                consent.invoiceId = invoiceId;
                consent.phoneNumber = invoice.consumerPhone;
                consent.state = PENDING;
                consent.requestedAt = clock.instant();
                return consent.persist()
                        .call(Panache::flush) // asked at once by another request through the same invoice: refused as above
                        .onFailure(UniqueViolations.of("direct_invoice_consent_invoice_id_key")).transform(meanwhile -> alreadyRequested(invoiceId))
                        .chain(() -> announce(consent, consent.requestedAt, origin)).replaceWith(consent);
            });
        });
    }

    private static ApiException alreadyRequested(UUID invoiceId) {
        return conflict(CONSENT_ALREADY_REQUESTED, "A consent has already been requested through invoice " + invoiceId + ".");
    }

    public Uni<DirectInvoiceConsent> owned(UUID merchantId, UUID consentId) {
        return DirectInvoiceConsent.<DirectInvoiceConsent>find("id = ?1 and merchantId = ?2", consentId, merchantId).firstResult()
                .onItem().ifNull().failWith(() -> consentNotFound(consentId));
    }

    /**
     * The merchant's consents in {@code state} (Granted unless asked otherwise), oldest first, optionally
     * of one issuer; {@code pagingState} is the opaque cursor of the previous page.
     */
    public Uni<Page> list(UUID merchantId, UUID issuerId, String state, String pagingState) {
        int wanted = state == null || state.isBlank() ? GRANTED : stateOf(state);
        Cursor after = Cursor.parse(pagingState);
        StringBuilder where = new StringBuilder("merchantId = :merchant and state = :state");
        if (issuerId != null) {
            where.append(" and issuerId = :issuer");
        }
        if (after != null) {
            where.append(" and (requestedAt > :at or (requestedAt = :at and id > :id))");
        }
        var params = io.quarkus.panache.common.Parameters.with("merchant", merchantId).and("state", wanted);
        if (issuerId != null) {
            params = params.and("issuer", issuerId);
        }
        if (after != null) {
            params = params.and("at", after.at()).and("id", after.id());
        }
        return DirectInvoiceConsent.<DirectInvoiceConsent>find(where + " order by requestedAt, id", params)
                .range(0, pageSize) // one more than shown tells whether a next page exists
                .list()
                .map(found -> {
                    boolean more = found.size() > pageSize;
                    List<DirectInvoiceConsent> page = more ? found.subList(0, pageSize) : found;
                    DirectInvoiceConsent last = page.isEmpty() ? null : page.get(page.size() - 1);
                    return new Page(page, more ? new Cursor(last.requestedAt, last.id).format() : null);
                });
    }

    /** The payer's decision on a pending consent (user simulation). */
    public Uni<DirectInvoiceConsent> decide(UUID payerId, UUID consentId, boolean granted, EventOrigin origin) {
        return payersConsent(payerId, consentId).chain(pair -> {
            DirectInvoiceConsent consent = pair.consent();
            if (consent.state != PENDING) {
                throw conflict(STATE_CONFLICT, "The consent is no longer pending.");
            }
            Instant now = clock.instant();
            consent.state = granted ? GRANTED : DECLINED;
            consent.phoneNumber = pair.payer().phoneNumber;
            consent.decidedAt = now;
            consent.grantedOn = granted ? now : null;
            return announce(consent, now, origin).replaceWith(consent);
        });
    }

    /** The payer withdraws a consent; revoking a revoked one changes nothing. */
    public Uni<Void> revoke(UUID payerId, UUID consentId, EventOrigin origin) {
        return payersConsent(payerId, consentId).chain(pair -> {
            DirectInvoiceConsent consent = pair.consent();
            if (consent.state == REVOKED) {
                return Uni.createFrom().voidItem();
            }
            Instant now = clock.instant();
            consent.state = REVOKED;
            consent.decidedAt = now;
            return announce(consent, now, origin);
        });
    }

    /**
     * A payer's erasure request ({@link PersonalData}): their pending consents are declined and granted ones
     * revoked, announced like any decision, and every consent of theirs loses the phone number. Answers how many
     * consents were theirs; repeating it finds none.
     */
    public Uni<Integer> forgetPayer(String phone, EventOrigin origin) {
        Instant now = clock.instant();
        return DirectInvoiceConsent.<DirectInvoiceConsent>find("phoneNumber", phone).withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .chain(theirs -> {
                    Uni<Void> announced = Uni.createFrom().voidItem();
                    for (DirectInvoiceConsent consent : theirs) {
                        consent.phoneNumber = null;
                        if (consent.state == PENDING || consent.state == GRANTED) {
                            consent.state = consent.state == PENDING ? DECLINED : REVOKED;
                            consent.decidedAt = now;
                            announced = announced.chain(() -> announce(consent, now, origin));
                        }
                    }
                    return announced.replaceWith(theirs.size());
                });
    }

    private record PayersConsent(SandboxConsumer payer, DirectInvoiceConsent consent) {
    }

    /**
     * A payer reaches only consents asked of their phone, or of nobody yet (a link's pending consent); a decided
     * consent without a phone is an erased payer's and nobody's to change.
     */
    private Uni<PayersConsent> payersConsent(UUID payerId, UUID consentId) {
        return SandboxConsumer.<SandboxConsumer>findById(payerId)
                .onItem().ifNull().failWith(() -> input(AUTHENTICATED_USER_INVALID, "AuthenticatedUser is not a known payer."))
                .chain(payer -> DirectInvoiceConsent.<DirectInvoiceConsent>find("id", consentId)
                        .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                        .map(consent -> {
                            if (consent == null || (consent.phoneNumber == null ? consent.state != PENDING
                                    : !consent.phoneNumber.equals(payer.phoneNumber))) {
                                throw consentNotFound(consentId);
                            }
                            return new PayersConsent(payer, consent);
                        }));
    }

    private Uni<Void> announce(DirectInvoiceConsent consent, Instant at, EventOrigin origin) {
        var event = EventEnvelope.of(ConsentChanged.TYPE, ConsentChanged.SCHEMA_VERSION, at, config.serviceName(),
                consent.merchantId, origin, new ConsentChanged(consent.id, consent.invoiceId, consent.issuerId, consent.state, at));
        return Panache.getSession().chain(session -> outbox.add(session, Topics.INVOICE_EVENTS, consent.merchantId.toString(), event));
    }

    static int stateOf(String state) {
        Integer value = STATES.get(state.trim().toLowerCase(java.util.Locale.ROOT));
        if (value == null) {
            throw input(CONSENT_QUERY_INVALID, "state must be 1 (Pending), 2 (Granted), 3 (Declined) or 4 (Revoked).");
        }
        return value;
    }

    private static com.invoicepay.common.web.ApiException consentNotFound(UUID consentId) {
        return new com.invoicepay.common.web.ApiException(404, com.invoicepay.common.web.ErrorKind.InputError,
                CONSENT_NOT_FOUND, "Consent " + consentId + " was not found.");
    }

    /** The paging state: the last consent shown, opaque to the client. */
    record Cursor(Instant at, UUID id) {
        String format() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\\|");
                return new Cursor(Instant.parse(parts[0]), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw input(CONSENT_QUERY_INVALID, "pagingState is not one this API answered.");
            }
        }
    }
}
