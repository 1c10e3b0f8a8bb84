package com.invoicepay.common.gate;

import com.invoicepay.common.events.CertificationChanged;
import com.invoicepay.common.gateway.ClientVersion;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the production gate knows of certificates: the latest record of each certificate from
 * {@code certification-events}, and the one rule of the gate (issue #6): a production client's
 * client system and version are admitted while a VALID certificate for that production client,
 * that system name and that Major.Minor exists. Every build of a certified Major.Minor is covered.
 */
public class CertifiedVersions {
    /** What the gate answers for a declared client system and version. */
    public enum Standing { CERTIFIED, RETRACTED, NOT_CERTIFIED }

    /** Production client id → certificate id → its latest record. */
    private final Map<String, Map<UUID, CertificationChanged>> byClient = new ConcurrentHashMap<>();

    /**
     * Keeps the certificate's latest state. A retraction is final (certificates are immutable and
     * never re-issued), so a record of the issue read after its retraction does not undo it.
     */
    public void apply(CertificationChanged change) {
        if (change == null || change.certificateId() == null || change.productionClientId() == null) {
            return;
        }
        byClient.computeIfAbsent(change.productionClientId(), id -> new ConcurrentHashMap<>())
                .merge(change.certificateId(), change, (known, incoming) ->
                        CertificationChanged.RETRACTED_STATE.equals(known.state()) ? known : incoming);
    }

    public Standing standing(String productionClientId, ClientVersion version) {
        Standing standing = Standing.NOT_CERTIFIED;
        for (CertificationChanged certificate : byClient.getOrDefault(productionClientId, Map.of()).values()) {
            if (version.systemName().equals(certificate.clientSystemName())
                    && version.majorMinor().equals(certificate.majorMinor())) {
                if (CertificationChanged.VALID.equals(certificate.state())) {
                    return Standing.CERTIFIED;
                }
                standing = Standing.RETRACTED;
            }
        }
        return standing;
    }
}
