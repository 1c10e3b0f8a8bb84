package com.invoicepay.common.web;

/**
 * Error codes of our own for what every API refuses the same way (authentication, malformed
 * requests, faults). The original documented none for these; they are listed in common/README.md.
 * Domain codes (10008, 10504 …) belong to the service that owns the rule.
 */
public final class PlatformErrors {
    public static final String TOKEN_MISSING_OR_INVALID = "90001";
    public static final String CLIENT_CREDENTIALS_MISSING = "90002";
    public static final String CLIENT_ID_NOT_TOKEN_CLIENT = "90003";
    public static final String CLIENT_CREDENTIALS_REJECTED = "90004";
    public static final String SCOPE_MISSING = "90010";
    public static final String MERCHANT_CLAIM_MISSING = "90011";
    public static final String MERCHANT_NOT_CALLER = "90012";
    public static final String ACCESS_DENIED = "90013";
    /** Production gate: a production client sent no client system name and version. */
    public static final String CLIENT_VERSION_REQUIRED = "90014";
    /** Production gate: no certificate for this production client, client system and Major.Minor. */
    public static final String CLIENT_VERSION_NOT_CERTIFIED = "90015";
    /** Production gate: the certificate that covered this version was retracted. */
    public static final String CERTIFICATE_RETRACTED = "90016";
    public static final String CLIENT_VERSION_MALFORMED = "90020";
    public static final String RATE_LIMITED = "90029";
    public static final String MALFORMED_REQUEST = "90040";
    public static final String UNKNOWN_RESOURCE = "90044";
    public static final String METHOD_NOT_ALLOWED = "90045";
    public static final String NOT_ACCEPTABLE = "90046";
    public static final String UNSUPPORTED_MEDIA_TYPE = "90047";
    public static final String BODY_TOO_LARGE = "90048";
    public static final String INTERNAL_ERROR = "90050";
    public static final String DEPENDENCY_UNAVAILABLE = "90053";

    private PlatformErrors() {
    }
}
