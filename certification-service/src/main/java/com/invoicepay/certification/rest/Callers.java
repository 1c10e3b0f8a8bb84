package com.invoicepay.certification.rest;

import com.invoicepay.certification.persistence.CertificationRun;
import com.invoicepay.certification.service.CertificationErrors;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who may do what: a run's integrator (claim {@code integrator_id}) or an administrator (realm role {@code admin}). */
@ApplicationScoped
public class Callers {
    private final SecurityIdentity identity;

    public Callers(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The run, if the caller's integrator is the run's or the caller is an administrator; 403 otherwise. */
    public CertificationRun owned(CertificationRun run) {
        owned(run.id, run.integratorId);
        return run;
    }

    public void owned(java.util.UUID runId, String runIntegrator) {
        if (!admin() && !runIntegrator.equals(integrator())) {
            throw new ApiException(403, ErrorKind.InputError, CertificationErrors.RUN_OTHER_INTEGRATOR,
                    "Certification run " + runId + " belongs to another integrator.");
        }
    }

    public void requireAdmin() {
        if (!admin()) {
            throw new ApiException(403, ErrorKind.InputError, CertificationErrors.ADMIN_ONLY,
                    "Only an administrator (realm role admin) may do this.");
        }
    }

    public boolean admin() {
        return identity.hasRole("admin");
    }

    /** The caller's integrator_id claim, or null. */
    public String integrator() {
        Object integrator = identity.getPrincipal() instanceof JsonWebToken jwt ? jwt.getClaim("integrator_id") : null;
        return integrator == null ? null : integrator.toString().replace("\"", "");
    }

    /** The caller's name for the record (the token's preferred_username, else its subject). */
    public String actor() {
        return identity.getPrincipal() == null ? "unknown" : identity.getPrincipal().getName();
    }
}
