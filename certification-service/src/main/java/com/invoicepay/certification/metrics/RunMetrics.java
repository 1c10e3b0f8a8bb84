package com.invoicepay.certification.metrics;

import com.invoicepay.certification.persistence.CertificationRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certification runs by status ({@code certification_runs{status}}), counted in the database every 15 s (certification.metrics-interval) so every
 * replica reports the same figure: the dashboard shows runs in progress, approved and cancelled.
 */
@ApplicationScoped
public class RunMetrics {
    private static final List<String> STATUSES = List.of(CertificationRun.IDENTIFIED, CertificationRun.SELECTED,
            CertificationRun.APPROVED, CertificationRun.CANCELLED);

    private final Pool pool;
    private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();

    public RunMetrics(Pool pool, MeterRegistry metrics) {
        this.pool = pool;
        for (String status : STATUSES) {
            runs.put(status, metrics.gauge("certification_runs", Tags.of("status", status), new AtomicLong()));
        }
    }

    @Scheduled(every = "${certification.metrics-interval:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> count() {
        return pool.query("select status, count(*) as n from certification_run group by status").execute()
                .invoke(rows -> {
                    Map<String, Long> seen = new java.util.HashMap<>();
                    for (Row row : rows) {
                        seen.put(row.getString("status"), row.getLong("n"));
                    }
                    runs.forEach((status, gauge) -> gauge.set(seen.getOrDefault(status, 0L)));
                })
                .replaceWithVoid();
    }
}
