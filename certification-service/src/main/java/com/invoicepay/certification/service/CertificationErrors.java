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
    /** Approval asked while a case of the run is not PASSED or WARNING; the description lists them. */
    public static final String NOT_ALL_PASSED = "12031";
    /** The case is not in a state for this action (not open, not a review awaiting a decision, not a command case). */
    public static final String CASE_STATE_CONFLICT = "12032";
    /** Test callbacks asked before any call of the run showed its merchant. */
    public static final String NO_MERCHANT_YET = "12033";
    /** The run has no case with this id. */
    public static final String CASE_NOT_FOUND = "12034";
    /** A review decision other than ACCEPTED or REJECTED. */
    public static final String DECISION_INVALID = "12035";
    /** The action is an administrator's (realm role admin). */
    public static final String ADMIN_ONLY = "12045";
    /** No certificate with this id. */
    public static final String CERTIFICATE_NOT_FOUND = "12050";
    /** The certificate is already retracted. */
    public static final String CERTIFICATE_RETRACTED = "12051";
    /** A valid certificate already covers this production client, client system and Major.Minor. */
    public static final String ALREADY_CERTIFIED = "12052";
    /** A report asked in a format other than json, html or junit. */
    public static final String REPORT_FORMAT = "12053";
    /** No run with this id. */
    public static final String RUN_NOT_FOUND = "12044";
    /** The run belongs to another integrator. */
    public static final String RUN_OTHER_INTEGRATOR = "12043";

    public static ApiException conflict(String code, String description) {
        return new ApiException(409, ErrorKind.DomainError, code, description);
    }

    public static ApiException input(String code, String description) {
        return new ApiException(400, ErrorKind.InputError, code, description);
    }

    private CertificationErrors() {
    }
}
