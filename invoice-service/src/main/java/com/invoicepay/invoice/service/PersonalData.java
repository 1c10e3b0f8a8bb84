package com.invoicepay.invoice.service;

import com.invoicepay.common.housekeeping.Chunked;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The payer's personal data on invoices (phone, name, consumer and delivery addresses) is deleted on
 * request and after a retention (DESIGN.md "Housekeeping every service does"). A final invoice
 * (Paid, Rejected, Expired, Canceled, or Invalid) loses it at once; an open one keeps it while the
 * payer may still accept or pay it, and loses it at the next pass once it is final. Amounts, numbers, references
 * and dates stay: they are the merchant's bookkeeping, not the payer's data. An erased invoice no
 * longer counts towards the payer's daily limit (10314), which only today's invoices can reach. The job
 * ({@code PersonalDataRetention}) erases what is due every hour.
 */
@ApplicationScoped
public class PersonalData {
    static final String ERASABLE = "('Paid', 'Rejected', 'Expired', 'Canceled', 'Invalid')";
    private static final String ERASE = """
            update invoice set consumer_phone = null, consumer_name = null, consumer_address_lines = null,
              delivery_address_lines = null, personal_data_erased_at = $2""";
    static final int CHUNK = 1_000;

    /** What an erasure request did: invoices erased now, and open ones that will be once final. */
    public record Erasure(long erasedInvoices, long pendingInvoices) {
    }

    private final Pool pool;
    private final Clock clock;
    private final Duration retention;

    public PersonalData(Pool pool, Clock clock,
                        @ConfigProperty(name = "invoice.personal-data.retention", defaultValue = "180d") Duration retention) {
        this.pool = pool;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Erases the payer of {@code phone} from every merchant's invoices, in one transaction. The invoices are found
     * merchant by merchant through the daily-limit index (merchant, phone, day), so no index on the phone alone
     * costs every create.
     */
    public Uni<Erasure> eraseOnRequest(String phone) {
        OffsetDateTime now = at(clock.instant());
        String ofThePayer = " where merchant_id = any(array(select distinct merchant_id from invoice_issuer)) and consumer_phone = $1";
        return pool.withTransaction(c -> c.preparedQuery(ERASE + ofThePayer + " and status in " + ERASABLE)
                .execute(Tuple.of(phone, now))
                .chain(erased -> c.preparedQuery("update invoice set erasure_requested_at = $2" + ofThePayer
                                + " and status not in " + ERASABLE + " and erasure_requested_at is null")
                        .execute(Tuple.of(phone, now))
                        .chain(marked -> c.preparedQuery("select count(*) from invoice" + ofThePayer + " and status not in " + ERASABLE)
                                .execute(Tuple.of(phone))
                                .map(open -> new Erasure(erased.rowCount(), open.iterator().next().getLong(0))))));
    }

    /**
     * Erases what is due now: final invoices whose erasure was requested, and final invoices whose status is older
     * than the retention ({@code invoice.personal-data.retention}), in chunks that skip rows another replica holds.
     * Answers how many were erased.
     */
    public Uni<Long> eraseDue() {
        Instant now = clock.instant();
        return drain("erasure_requested_at is not null and status in " + ERASABLE, Tuple.of(CHUNK, at(now)))
                .chain(requested -> drain("status in " + ERASABLE + " and status_date < $3",
                        Tuple.of(CHUNK, at(now), at(now.minus(retention))))
                        .map(old -> requested + old));
    }

    private Uni<Long> drain(String due, Tuple args) {
        return Chunked.repeat(pool, ERASE + " where id in (select id from invoice where personal_data_erased_at is null and "
                + due + " limit $1 for update skip locked)", args, CHUNK);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
