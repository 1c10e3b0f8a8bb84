package com.invoicepay.common.time;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Sandbox only: read and move this service's clock. Absent (404) outside sandbox mode. Moving
 * time is an operator's act on a shared sandbox, so it takes the realm role {@code admin}.
 */
@Path("/sandbox/clock")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Sandbox")
public class SandboxClockResource {
    private static final Logger LOG = Logger.getLogger(SandboxClockResource.class);
    /**
     * Far enough for any test of due dates, expiry, retries and nights; beyond it a clock would stamp dates
     * other systems cannot store (an offset of 10^11 days once expired thousands of invoices into the year
     * 273 792 727, which callback-service's database refused).
     */
    static final Duration MAX_OFFSET = Duration.ofDays(3653);

    /** {@code offset} is an ISO-8601 duration from real time, e.g. {@code P2D} or {@code PT-1H}. */
    public record ClockState(Instant now, Duration offset) {
    }

    public record ClockChange(Duration offset) {
    }

    private final SandboxClock clock;
    private final boolean sandbox;

    public SandboxClockResource(SandboxClock clock, PlatformConfig config) {
        this.clock = clock;
        this.sandbox = config.sandbox();
    }

    @GET
    @Operation(summary = "This service's current time and its offset from real time (sandbox only)")
    public ClockState read() {
        requireSandbox();
        return new ClockState(clock.instant(), clock.offset());
    }

    @PUT
    @RolesAllowed("admin")
    @Operation(summary = "Set this service's clock offset from real time (sandbox only, role admin)")
    public ClockState move(ClockChange change) {
        requireSandbox();
        if (change == null || change.offset() == null) {
            throw new ApiException(400, ErrorKind.InputError, PlatformErrors.MALFORMED_REQUEST,
                    "The body must be {\"offset\": <ISO-8601 duration>}.");
        }
        if (change.offset().abs().compareTo(MAX_OFFSET) > 0) {
            throw new ApiException(400, ErrorKind.InputError, PlatformErrors.MALFORMED_REQUEST,
                    "The offset must be within 10 years (P3653D) of real time, either way.");
        }
        clock.setOffset(change.offset());
        LOG.infof("Sandbox clock offset set to %s", change.offset());
        return read();
    }

    private void requireSandbox() {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
    }
}
