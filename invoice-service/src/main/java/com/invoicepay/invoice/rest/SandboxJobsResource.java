package com.invoicepay.invoice.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.jobs.InvoiceJobs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Sandbox only: run the payment and expiry jobs now, after moving the clock, instead of waiting for the tick. */
@Path("/sandbox/invoice-jobs/run")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sandbox")
public class SandboxJobsResource {
    private final InvoiceJobs jobs;
    private final boolean sandbox;

    public SandboxJobsResource(InvoiceJobs jobs, PlatformConfig config) {
        this.jobs = jobs;
        this.sandbox = config.sandbox();
    }

    @POST
    @RolesAllowed("admin")
    @Operation(summary = "Run the scheduled payments and expiry now (sandbox only, role admin)")
    public Uni<InvoiceJobs.Outcome> run() {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
        return jobs.runNow();
    }
}
