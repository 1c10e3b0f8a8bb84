package com.invoicepay.report.ledger;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The advisory lock between the night run and bookings into Daily payment points. The night run
 * holds it exclusively for its transaction; a booking holds it shared, so a payment that arrives
 * while its business day is being transferred either lands before (and is carried) or sees the
 * transfer and is booked on the day it arrived (and carried the next night). Never both, never neither.
 */
public final class LedgerLocks {
    /** The bytes of "nights". */
    public static final long NIGHT_RUN = 0x6E6967687473L;

    private LedgerLocks() {
    }

    public static Uni<Void> exclusive(Mutiny.Session session) {
        return session.createNativeQuery("select 1 from (select pg_advisory_xact_lock(:key)) l", Integer.class)
                .setParameter("key", NIGHT_RUN).getSingleResult().replaceWithVoid();
    }

    public static Uni<Void> shared(Mutiny.Session session) {
        return session.createNativeQuery("select 1 from (select pg_advisory_xact_lock_shared(:key)) l", Integer.class)
                .setParameter("key", NIGHT_RUN).getSingleResult().replaceWithVoid();
    }
}
