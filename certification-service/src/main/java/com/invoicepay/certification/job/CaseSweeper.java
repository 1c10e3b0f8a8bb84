package com.invoicepay.certification.job;

import com.invoicepay.certification.service.CaseService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Applies the clock to open cases (timeouts, forbidden windows) every {@code certification.sweep-interval}.
 * It reads the service's SandboxClock, so in sandbox mode moving the clock times cases out without waiting.
 */
@ApplicationScoped
public class CaseSweeper {
    private static final Logger LOG = Logger.getLogger(CaseSweeper.class);
    private final CaseService cases;

    public CaseSweeper(CaseService cases) {
        this.cases = cases;
    }

    @Scheduled(every = "${certification.sweep-interval:5s}", delayed = "${certification.sweep-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return Panache.withTransaction(cases::sweep)
                .invoke(judged -> {
                    if (judged > 0) {
                        LOG.infof("sweep: %d case(s) judged by the clock", judged);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("sweep failed, next tick retries: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
