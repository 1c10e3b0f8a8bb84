package com.invoicepay.report.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.report.ledger.Invariants;
import com.invoicepay.report.ledger.Ledger;
import com.invoicepay.report.transfer.NightRun;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static com.invoicepay.report.rest.ReportingErrors.badRequest;

/** Operators (realm role admin): the ledger invariants, corrections as Adjustment entries, and the sandbox night run. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Ledger operations")
public class LedgerAdminResource {
    private final Invariants invariants;
    private final NightRun nightRun;
    private final Clock clock;
    private final boolean sandbox;

    public LedgerAdminResource(Invariants invariants, NightRun nightRun, Clock clock, PlatformConfig config) {
        this.invariants = invariants;
        this.nightRun = nightRun;
        this.clock = clock;
        this.sandbox = config.sandbox();
    }

    public record NightRunOutcome(int transfersExecuted) {
    }

    public record AdjustmentRequest(BigDecimal amount, String note) {
    }

    public record AdjustmentCreated(UUID entryId, UUID paymentPointId, BigDecimal amount, String currency, LocalDate businessDay) {
    }

    @GET
    @Path("admin/ledger/invariants")
    @RolesAllowed("admin")
    @Operation(summary = "Check the ledger invariants now (role admin); also the gauge report_ledger_invariant_violations")
    public Uni<Invariants.Report> invariants() {
        return invariants.check();
    }

    @GET
    @Path("admin/ledger/paymentpoints/{paymentPointId}/balance")
    @RolesAllowed("admin")
    @Operation(summary = "A payment point's payments, fees, transfers, adjustments and untransferred balance (role admin)")
    public Uni<List<Invariants.PointBalance>> balance(@PathParam("paymentPointId") UUID paymentPointId) {
        return invariants.balances(paymentPointId);
    }

    @POST
    @Path("admin/ledger/paymentpoints/{paymentPointId}/adjustments")
    @RolesAllowed("admin")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Book a correction as an Adjustment entry on today's business day (role admin)")
    public Uni<Response> adjust(@PathParam("paymentPointId") UUID paymentPointId, AdjustmentRequest request) {
        if (request == null || request.amount() == null || request.amount().signum() == 0 || request.amount().scale() > 2
                || request.note() == null || request.note().isBlank() || request.note().length() > 500) {
            throw badRequest(ReportingErrors.BAD_ADJUSTMENT,
                    "An adjustment needs a non-zero amount with at most two decimals and a note of at most 500 characters.");
        }
        UUID entryId = UUID.randomUUID();
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session.createNativeQuery("""
                                select cast(merchant_id as text), country, currency from payment_point where id = :id""", Object[].class)
                        .setParameter("id", paymentPointId).getResultList()
                        .chain(rows -> {
                            if (rows.isEmpty()) {
                                throw ReportingErrors.notFound("Payment point " + paymentPointId + " was not found.");
                            }
                            Object[] p = rows.get(0);
                            String currency = p[2] == null ? ("FI".equals(p[1]) ? "EUR" : "DKK") : ((String) p[2]).trim();
                            LocalDate day = LocalDate.ofInstant(clock.instant(), Ledger.zoneOf(((String) p[1]).trim()));
                            return session.createNativeQuery("""
                                            insert into ledger_entry (id, payment_point_id, merchant_id, type, amount, currency,
                                                                      occurred_at, business_day, note)
                                            values (:id, :point, cast(:merchant as uuid), 'Adjustment', :amount, :currency, :at, :day, :note)""")
                                    .setParameter("id", entryId)
                                    .setParameter("point", paymentPointId)
                                    .setParameter("merchant", p[0])
                                    .setParameter("amount", request.amount())
                                    .setParameter("currency", currency)
                                    .setParameter("at", clock.instant())
                                    .setParameter("day", day)
                                    .setParameter("note", request.note())
                                    .executeUpdate()
                                    .chain(() -> Ledger.pending(session, List.of(entryId)))
                                    .map(n -> Response.status(201).entity(new AdjustmentCreated(entryId, paymentPointId,
                                            request.amount(), currency, day)).build());
                        })));
    }

    @POST
    @Path("sandbox/transfers/night-run")
    @RolesAllowed("admin")
    @Operation(summary = "Run the daily-transfer night run now, after moving the clock (sandbox only, role admin)")
    public Uni<NightRunOutcome> runNight() {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
        return nightRun.runNow().map(NightRunOutcome::new);
    }
}
