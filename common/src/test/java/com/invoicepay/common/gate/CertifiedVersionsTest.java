package com.invoicepay.common.gate;

import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.common.gate.CertifiedVersions.Standing;
import com.invoicepay.common.gateway.ClientVersion;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one rule of the production gate: a valid certificate for client, system and Major.Minor. */
class CertifiedVersionsTest {
    private static final String PROD = "integrator-app-prod";
    private final CertifiedVersions versions = new CertifiedVersions();

    private static CertificationChanged certificate(UUID id, String client, String system, String majorMinor, String state) {
        return new CertificationChanged(id, "integrator-1", client, system, majorMinor, majorMinor + ".7", state,
                Instant.parse("2026-11-24T02:00:00Z"), CertificationChanged.VALID.equals(state) ? null : "found a bug");
    }

    private static ClientVersion version(String system, int major, int minor, int build) {
        return new ClientVersion(system, major, minor, build);
    }

    @Test
    void everyBuildOfTheCertifiedMinorIsCoveredAndNothingElse() {
        versions.apply(certificate(UUID.randomUUID(), PROD, "My ERP", "2.3", CertificationChanged.VALID));

        assertEquals(Standing.CERTIFIED, versions.standing(PROD, version("My ERP", 2, 3, 7)));
        assertEquals(Standing.CERTIFIED, versions.standing(PROD, version("My ERP", 2, 3, 99)));
        assertEquals(Standing.NOT_CERTIFIED, versions.standing(PROD, version("My ERP", 2, 4, 0)));
        assertEquals(Standing.NOT_CERTIFIED, versions.standing(PROD, version("My ERP", 3, 3, 7)));
        assertEquals(Standing.NOT_CERTIFIED, versions.standing(PROD, version("Other ERP", 2, 3, 7)));
        assertEquals(Standing.NOT_CERTIFIED, versions.standing("integrator-app-2", version("My ERP", 2, 3, 7)));
    }

    @Test
    void aRetractionStopsAdmittingAndAnIssueReadAfterItDoesNotUndoIt() {
        UUID id = UUID.randomUUID();
        versions.apply(certificate(id, PROD, "My ERP", "2.3", CertificationChanged.VALID));
        versions.apply(certificate(id, PROD, "My ERP", "2.3", CertificationChanged.RETRACTED_STATE));
        assertEquals(Standing.RETRACTED, versions.standing(PROD, version("My ERP", 2, 3, 7)));

        versions.apply(certificate(id, PROD, "My ERP", "2.3", CertificationChanged.VALID));
        assertEquals(Standing.RETRACTED, versions.standing(PROD, version("My ERP", 2, 3, 7)));
    }

    @Test
    void aNewCertificateAfterARetractionAdmitsAgain() {
        versions.apply(certificate(UUID.randomUUID(), PROD, "My ERP", "2.3", CertificationChanged.RETRACTED_STATE));
        versions.apply(certificate(UUID.randomUUID(), PROD, "My ERP", "2.3", CertificationChanged.VALID));
        assertEquals(Standing.CERTIFIED, versions.standing(PROD, version("My ERP", 2, 3, 1)));
    }
}
