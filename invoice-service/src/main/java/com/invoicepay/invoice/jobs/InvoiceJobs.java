package com.invoicepay.invoice.jobs;

import com.invoicepay.invoice.service.InvoiceService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The two clocks of an invoice's life: scheduled payments on their date, and expiry at DueDate + 30
 * days. Both read "today" from the sandbox-movable clock, lock the rows they take
 * ({@code FOR UPDATE SKIP LOCKED}), so two replicas split the work, and take bounded batches.
 */
@ApplicationScoped
public class InvoiceJobs {
    private static final Logger LOG = Logger.getLogger(InvoiceJobs.class);
    static final int BATCH = 200;

    private final InvoiceService invoices;

    public InvoiceJobs(InvoiceService invoices) {
        this.invoices = invoices;
    }

    public record Outcome(int paid, int expired) {
    }

    @Scheduled(every = "${invoice.jobs.interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runNow().invoke(o -> {
            if (o.paid() + o.expired() > 0) {
                LOG.infof("invoice jobs: %d payments run, %d invoices expired", o.paid(), o.expired());
            }
        }).replaceWithVoid();
    }

    /** Runs both jobs until nothing is due (each batch in its own transaction). */
    public Uni<Outcome> runNow() {
        return drain(() -> Panache.withTransaction(() -> invoices.runDuePayments(BATCH)), 0)
                .chain(paid -> drain(() -> Panache.withTransaction(() -> invoices.expireUnpaid(BATCH)), 0)
                        .map(expired -> new Outcome(paid, expired)));
    }

    private static Uni<Integer> drain(java.util.function.Supplier<Uni<Integer>> batch, int sofar) {
        return batch.get().chain(n -> n == 0 ? Uni.createFrom().item(sofar) : drain(batch, sofar + n));
    }
}
