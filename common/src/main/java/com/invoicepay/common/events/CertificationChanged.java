package com.invoicepay.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of {@code certification-events} (schema version 1), key the production client id. Envelope
 * types {@value #CERTIFIED} and {@value #RETRACTED}. Each record carries the whole certificate, so a
 * service keeps its projection (production client, client system name, Major.Minor → state) from the
 * latest record per {@code certificateId} without asking certification-service.
 *
 * @param productionClientId the OAuth client the certificate admits in production
 * @param clientSystemName   as sent in X-Client-System-Name
 * @param majorMinor         the versions covered: every build of this Major.Minor
 * @param certifiedVersion   the Major.Minor.Build the run judged
 * @param state              VALID or RETRACTED
 * @param at                 when it was issued, or retracted
 * @param reason             why it was retracted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CertificationChanged(UUID certificateId, String integratorId, String productionClientId,
                                   String clientSystemName, String majorMinor, String certifiedVersion,
                                   String state, Instant at, String reason) {
    public static final String CERTIFIED = "ClientVersionCertified";
    public static final String RETRACTED = "CertificationRetracted";
    public static final String VALID = "VALID";
    public static final String RETRACTED_STATE = "RETRACTED";
    public static final int SCHEMA_VERSION = 1;
}
