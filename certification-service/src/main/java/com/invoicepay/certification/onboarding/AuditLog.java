package com.invoicepay.certification.onboarding;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every administrative act of onboarding, written in the transaction of the act itself. */
@ApplicationScoped
public class AuditLog {
    static final int MAX_ENTRIES = 500;

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    public Uni<Void> record(String actor, String action, String integratorId, IntegratorApp app, String detail) {
        AuditEntry entry = new AuditEntry();
        entry.id = UUID.randomUUID();
        entry.occurredAt = Instant.now(clock);
        entry.actor = actor;
        entry.action = action;
        entry.integratorId = integratorId;
        entry.appId = app == null ? null : app.id;
        entry.clientId = app == null ? null : app.clientId;
        entry.detail = detail;
        return entry.persist().replaceWithVoid();
    }

    /** Newest first, at most {@link #MAX_ENTRIES}; of one integrator when given. */
    public Uni<List<AuditEntry>> latest(String integratorId) {
        Map<String, Object> params = new HashMap<>();
        String query = "1 = 1";
        if (integratorId != null) {
            query = "integratorId = :integrator";
            params.put("integrator", integratorId);
        }
        return AuditEntry.<AuditEntry>find(query + " order by occurredAt desc", params).range(0, MAX_ENTRIES - 1).list();
    }
}
