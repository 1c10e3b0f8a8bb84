package com.invoicepay.common.web;

import java.util.Map;

/**
 * A refusal with a documented status and code; the service's error mapper turns it into the error
 * body of the API the service speaks. Services define their codes as named constants.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final ErrorKind kind;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, ErrorKind kind, String code, String description) {
        this(status, kind, code, description, Map.of());
    }

    public ApiException(int status, ErrorKind kind, String code, String description, Map<String, String> headers) {
        super(description, null, false, false); // no stack trace: this is an expected answer, not a fault
        this.status = status;
        this.kind = kind;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** The answer for a path that does not exist here, e.g. a sandbox-only path outside sandbox mode. */
    public static ApiException unknownResource() {
        return new ApiException(404, ErrorKind.InputError, PlatformErrors.UNKNOWN_RESOURCE, "No such resource.");
    }

    public int status() {
        return status;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String description() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }
}
