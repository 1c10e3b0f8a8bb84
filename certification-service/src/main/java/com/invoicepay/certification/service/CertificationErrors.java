package com.invoicepay.certification.service;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;

/**
 * Error codes of the Self-certification API (120xx), listed with their tests in RULES.md. Platform
 * codes (900xx: malformed JSON, 401, 404 of a path, 503) are common's.
 */
public final class CertificationErrors {
    /** A required field is missing or blank; the description names it. */
    public static final String FIELD_REQUIRED = "12001";
    /** clientVersion is not Major.Minor.Build. */
    public static final String VERSION_MALFORMED = "12002";
    /** A field has a value of the wrong form (too long, forbidden characters); the description names it. */
    public static final String FIELD_INVALID = "12003";
    /** accessToken is not a valid, unexpired access token of the realm (signature, issuer, expiry). */
    public static final String TOKEN_INVALID = "12010";
    /** accessToken was not issued to sandboxClientId (claim azp). */
    public static final String TOKEN_NOT_SANDBOX_CLIENTS = "12011";
    /** accessToken's integrator_id is not integratorId. */
    public static final String TOKEN_OTHER_INTEGRATOR = "12012";
    /** accessToken is not a sandbox client's (claim environment). */
    public static final String TOKEN_NOT_SANDBOX = "12013";
    /** productionClientId is not a client of the realm. */
    public static final String PRODUCTION_CLIENT_UNKNOWN = "12015";
    /** productionClientId is not a production client (attribute environment). */
    public static final String PRODUCTION_CLIENT_NOT_PRODUCTION = "12016";
    /** productionClientId belongs to another integrator (its integrator_id claim). */
    public static final String PRODUCTION_CLIENT_OTHER_INTEGRATOR = "12017";
    /** A selected feature is not in the catalog. */
    public static final String FEATURE_UNKNOWN = "12020";
    /** The run is past selection. */
    public static final String RUN_STATE_CONFLICT = "12030";
    /** No run with this id. */
    public static final String RUN_NOT_FOUND = "12044";
    /** The run belongs to another integrator. */
    public static final String RUN_OTHER_INTEGRATOR = "12043";

    public static ApiException input(String code, String description) {
        return new ApiException(400, ErrorKind.InputError, code, description);
    }

    private CertificationErrors() {
    }
}
