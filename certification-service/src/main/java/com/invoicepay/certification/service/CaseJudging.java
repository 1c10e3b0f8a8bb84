package com.invoicepay.certification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.persistence.CaseEvidence;
import com.invoicepay.certification.persistence.RunCase;
import com.invoicepay.common.events.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place a case's verdict is set: every judge (api-activity, events, review, the clock) hands
 * its new evidence here, inside its transaction, and {@link CaseRules} decides from all of it.
 */
@ApplicationScoped
public class CaseJudging {
    private static final Logger LOG = Logger.getLogger(CaseJudging.class);
    private final Clock clock;

    public CaseJudging(Clock clock) {
        this.clock = clock;
    }

    /** Stores {@code fresh} evidence of an open case and settles its verdict from {@code earlier} and {@code fresh}. */
    public Uni<Void> record(RunCase c, List<CaseEvidence> earlier, List<CaseEvidence> fresh) {
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<CaseEvidence> all = new ArrayList<>(earlier);
        all.addAll(fresh);
        settle(c, all);
        return CaseEvidence.persist(fresh);
    }

    /** Sets the verdict the evidence supports now, if any; the case stays open otherwise. */
    public boolean settle(RunCase c, List<CaseEvidence> all) {
        return settle(c, assertions(c), all, 0);
    }

    /**
     * As {@link #settle(RunCase, List)} with the case's assertions already read, for evidence read without
     * {@code otherStatusNotRead} OTHER_STATUS entries (CaseRules).
     */
    public boolean settle(RunCase c, JsonNode assertions, List<CaseEvidence> all, long otherStatusNotRead) {
        if (!c.open()) {
            return false;
        }
        return CaseRules.decide(assertions, all, otherStatusNotRead, clock.instant()).map(v -> {
            c.status = v.status();
            c.reason = v.reason();
            c.judgedAt = clock.instant();
            LOG.infof("run %s case %s %s: %s", c.key.runId, c.caseId, v.status(), v.reason());
            return true;
        }).orElse(false);
    }

    public static JsonNode assertions(RunCase c) {
        try {
            return EventJson.MAPPER.readTree(c.assertions);
        } catch (IOException e) {
            throw new IllegalStateException("run_case.assertions is not JSON", e);
        }
    }
}
