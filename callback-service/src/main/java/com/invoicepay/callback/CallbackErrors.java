package com.invoicepay.callback;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;

/** callback-service's own error codes (120xx); the table in callback-service/RULES.md lists each with its test. */
public final class CallbackErrors {
    public static final String FIELD_REQUIRED = "12001";
    public static final String URL_MALFORMED = "12002";
    public static final String URL_NOT_HTTPS = "12003";
    public static final String URL_FORBIDDEN_ADDRESS = "12004";
    public static final String URL_UNRESOLVABLE = "12005";
    public static final String API_KEY_NOT_HEADER_VALUE = "12006";
    public static final String FIELD_TOO_LONG = "12007";
    public static final String USERNAME_INVALID = "12008";
    public static final String PASSWORD_INVALID = "12009";
    public static final String BATCH_NOT_FOUND = "12010";
    public static final String BATCH_NOT_DEAD_LETTERED = "12011";
    public static final String NO_ENDPOINT = "12012";
    public static final String TEST_CALLBACK_FAILED = "12013";
    public static final String OVERLAP_INVALID = "12014";
    public static final String REPLAY_RANGE_INVALID = "12015";

    private CallbackErrors() {
    }

    public static ApiException input(String code, String description) {
        return new ApiException(400, ErrorKind.InputError, code, description);
    }

    public static ApiException conflict(String code, String description) {
        return new ApiException(409, ErrorKind.DomainError, code, description);
    }

    public static ApiException notFound(String code, String description) {
        return new ApiException(404, ErrorKind.InputError, code, description);
    }
}
