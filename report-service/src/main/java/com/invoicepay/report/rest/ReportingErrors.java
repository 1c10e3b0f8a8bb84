package com.invoicepay.report.rest;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;

/** Error codes of the Transaction Reporting API (report-service/RULES.md); 900xx are common's. */
public final class ReportingErrors {
    public static final String PAGE_SIZE_OUT_OF_RANGE = "12001";
    public static final String PAGE_NUMBER_OUT_OF_RANGE = "12002";
    public static final String MALFORMED_DATE = "12003";
    public static final String START_AFTER_END = "12004";
    public static final String UNKNOWN_PAYMENT_POINT = "12005";
    public static final String UNKNOWN_TRANSFER = "12006";
    public static final String MALFORMED_ID = "12007";
    public static final String BAD_SORT_DIRECTION = "12008";
    public static final String BAD_ADJUSTMENT = "12009";
    public static final String NOT_A_STATEMENT = "12010";
    public static final String BAD_DAYS = "12011";

    private ReportingErrors() {
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, ErrorKind.InputError, code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, ErrorKind.InputError, PlatformErrors.UNKNOWN_RESOURCE, message);
    }
}
