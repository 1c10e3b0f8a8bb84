package com.invoicepay.invoice.service;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;

/**
 * Every rule of the Invoice API with its code: the documented codes of the original (100xx–105xx)
 * and codes of our own (110xx) for the rules it left without one. The table in
 * invoice-service/RULES.md lists each with its status and the test that proves it.
 */
public final class InvoiceErrors {
    // documented by the original
    public static final String AMOUNT_NOT_POSITIVE = "10008";
    public static final String CONSUMER_NOT_FOUND = "10101";
    public static final String CONSUMER_NOT_AVAILABLE = "10102";
    public static final String INVOICE_ALREADY_EXISTS = "10104";
    public static final String AMOUNT_ABOVE_MAXIMUM = "10201";
    public static final String ISSUER_NOT_FOUND = "10202";
    public static final String ISSUER_NOT_ENABLED = "10203";
    public static final String DUE_DATE_TOO_FAR = "10310";
    public static final String DUE_DATE_IN_PAST = "10311";
    public static final String ISSUE_DATE_IN_FUTURE = "10312";
    public static final String DAILY_LIMIT_REACHED = "10314";
    public static final String STATE_CONFLICT = "10504";
    // our own
    public static final String FIELD_REQUIRED = "11001";
    public static final String INVOICE_NUMBER_MISSING = "11002";
    public static final String PAYMENT_REFERENCE_TOO_LONG = "11003";
    public static final String ALIAS_TYPE_NOT_PHONE = "11004";
    public static final String PHONE_ALIAS_MALFORMED = "11005";
    public static final String NO_ARTICLE = "11006";
    public static final String TOO_MANY_DECIMALS = "11007";
    public static final String URL_NOT_HTTPS = "11008";
    public static final String DATE_MALFORMED = "11009";
    public static final String FIELD_TOO_LONG = "11010";
    public static final String BATCH_SIZE = "11011";
    public static final String INVOICE_NOT_FOUND = "11012";
    public static final String PAYMENT_DATE_INVALID = "11013";
    public static final String CARD_NOT_USABLE = "11014";
    public static final String AUTHENTICATED_USER_INVALID = "11015";
    public static final String IDEMPOTENCY_KEY_REUSED = "11016";
    public static final String CONSENT_ALREADY_REQUESTED = "11017";
    public static final String CONSENT_NOT_FOUND = "11018";
    public static final String CONSENT_QUERY_INVALID = "11019";
    public static final String ISSUER_INPUT_INVALID = "11020";

    private InvoiceErrors() {
    }

    public static ApiException input(String code, String description) {
        return new ApiException(400, ErrorKind.InputError, code, description);
    }

    public static ApiException conflict(String code, String description) {
        return new ApiException(409, ErrorKind.DomainError, code, description);
    }

    public static ApiException notFound(String description) {
        return new ApiException(404, ErrorKind.InputError, INVOICE_NOT_FOUND, description);
    }
}
