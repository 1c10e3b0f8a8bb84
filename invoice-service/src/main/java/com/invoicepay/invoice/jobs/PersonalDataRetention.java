package com.invoicepay.invoice.jobs;

import com.invoicepay.invoice.service.PersonalData;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Every hour, erases the payer's personal data that is due ({@link PersonalData#eraseDue()}); safe on two replicas. */
@ApplicationScoped
public class PersonalDataRetention {
    private static final Logger LOG = Logger.getLogger(PersonalDataRetention.class);

    private final PersonalData personalData;

    public PersonalDataRetention(PersonalData personalData) {
        this.personalData = personalData;
    }

    @Scheduled(every = "${invoice.personal-data.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return personalData.eraseDue().invoke(erased -> {
            if (erased > 0) {
                LOG.infof("personal data erased from %d invoices", erased);
            }
        }).onFailure().invoke(e -> LOG.warnf("personal data not erased, retrying on the next tick: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
