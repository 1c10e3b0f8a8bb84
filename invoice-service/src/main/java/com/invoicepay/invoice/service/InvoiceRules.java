package com.invoicepay.invoice.service;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.persistence.InvoiceIssuer;

import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static com.invoicepay.invoice.service.InvoiceErrors.*;

/**
 * The rules an invoice must meet before it is stored, in the order they are reported. Pure: the
 * caller supplies the issuer (or null when none was found) and nothing here reads a database, so
 * a batch can check 2 000 invoices without 2 000 queries. Rules needing stored state (consumer,
 * daily limit, identical request) are in {@link InvoiceService}.
 */
public final class InvoiceRules {
    /** TotalAmount maximum per currency (DESIGN.md, code 10201). */
    public static final Map<String, BigDecimal> MAXIMUM = Map.of("DKK", new BigDecimal("15000"), "EUR", new BigDecimal("2000"));
    public static final int DUE_DATE_MAX_DAYS_AHEAD = 400;
    public static final int PAYMENT_REFERENCE_MAX = 60;
    /** +45 and 8 digits (DK), +358 and 5 to 12 digits (FI). */
    private static final Pattern PHONE = Pattern.compile("\\+45\\d{8}|\\+358\\d{5,12}");
    /** Spaces and dashes a phone alias may be written with. */
    private static final Pattern SEPARATORS = Pattern.compile("[ -]");

    /** What the rules made of the input: business dates in the issuer's zone, normalized alias. */
    public record Checked(LocalDate issueDate, LocalDate dueDate, LocalDate orderDate, LocalDate deliveryDate,
                          String consumerPhone) {
    }

    private InvoiceRules() {
    }

    /** Every violation, in order (a batch reports them all); {@link #check} throws the first. */
    public static List<ApiException> violations(InvoiceInput in, InvoiceIssuer issuer, LocalDate today, boolean link) {
        List<ApiException> found = new ArrayList<>();
        try {
            check(in, issuer, today, link, found);
        } catch (ApiException e) {
            found.add(e); // a violation that makes the rest meaningless
        }
        return found;
    }

    /** Checks one invoice; throws the first violation. */
    public static Checked check(InvoiceInput in, InvoiceIssuer issuer, LocalDate today, boolean link) {
        List<ApiException> found = new ArrayList<>();
        Checked checked = check(in, issuer, today, link, found);
        if (!found.isEmpty()) {
            throw found.get(0);
        }
        return checked;
    }

    private static Checked check(InvoiceInput in, InvoiceIssuer issuer, LocalDate today, boolean link, List<ApiException> found) {
        if (in == null) {
            throw input(FIELD_REQUIRED, "The invoice is missing.");
        }
        if (in.invoiceIssuer() == null) {
            throw input(FIELD_REQUIRED, "InvoiceIssuer is required.");
        }
        if (issuer == null) {
            throw input(ISSUER_NOT_FOUND, "Invoice issuer " + in.invoiceIssuer() + " was not found for this merchant.");
        }
        if (!issuer.enabled) {
            throw input(ISSUER_NOT_ENABLED, "Invoice issuer " + issuer.id + " is not enabled: its account validation has not passed.");
        }
        ZoneId zone = issuer.zone();

        // amount
        BigDecimal amount = in.totalAmount();
        if (amount == null) {
            found.add(input(FIELD_REQUIRED, "TotalAmount is required."));
        } else if (amount.signum() <= 0) {
            found.add(input(AMOUNT_NOT_POSITIVE, "TotalAmount must be greater than 0."));
        } else if (amount.stripTrailingZeros().scale() > 2) {
            found.add(input(TOO_MANY_DECIMALS, "TotalAmount may have at most two decimals."));
        } else if (amount.compareTo(MAXIMUM.get(issuer.currency)) > 0) {
            found.add(input(AMOUNT_ABOVE_MAXIMUM, "TotalAmount is above the maximum of "
                    + MAXIMUM.get(issuer.currency).toPlainString() + " " + issuer.currency + "."));
        }
        if (in.totalVatAmount() != null && (in.totalVatAmount().signum() < 0 || in.totalVatAmount().stripTrailingZeros().scale() > 2)) {
            found.add(input(TOO_MANY_DECIMALS, "TotalVATAmount must be 0 or more with at most two decimals."));
        }

        // references
        if (blank(in.invoiceNumber())) {
            found.add(input(INVOICE_NUMBER_MISSING, "InvoiceNumber is required: it is the reference when PaymentReference is not given."));
        } else if (in.invoiceNumber().length() > 100) {
            found.add(input(FIELD_TOO_LONG, "InvoiceNumber may have at most 100 characters."));
        }
        if (in.paymentReference() != null && in.paymentReference().length() > PAYMENT_REFERENCE_MAX) {
            found.add(input(PAYMENT_REFERENCE_TOO_LONG, "PaymentReference may have at most " + PAYMENT_REFERENCE_MAX + " characters."));
        }

        // consumer alias: required for InvoiceDirect, optional for a link
        String phone = null;
        if (in.consumerAlias() == null || blank(in.consumerAlias().alias())) {
            if (!link) {
                found.add(input(FIELD_REQUIRED, "ConsumerAlias with an Alias is required."));
            }
        } else {
            if (in.consumerAlias().aliasType() != null && !"Phone".equalsIgnoreCase(in.consumerAlias().aliasType())) {
                found.add(input(ALIAS_TYPE_NOT_PHONE, "ConsumerAlias.AliasType must be \"Phone\"."));
            }
            phone = phoneOf(in);
            if (!PHONE.matcher(phone).matches()) {
                found.add(input(PHONE_ALIAS_MALFORMED,
                        "ConsumerAlias.Alias must be a phone number: +45 and 8 digits, or +358 and 5 to 12 digits."));
            }
        }

        // articles
        if (in.invoiceArticles() == null || in.invoiceArticles().isEmpty()) {
            found.add(input(NO_ARTICLE, "InvoiceArticles must have at least one article."));
        } else {
            for (int i = 0; i < in.invoiceArticles().size(); i++) {
                InvoiceInput.Article a = in.invoiceArticles().get(i);
                if (a == null || blank(a.articleDescription())) {
                    found.add(input(FIELD_REQUIRED, "InvoiceArticles[" + i + "].ArticleDescription is required."));
                } else if (tooManyDecimals(a.totalPriceIncludingVat()) || tooManyDecimals(a.totalVatAmount())
                        || tooManyDecimals(a.pricePerUnit())) {
                    found.add(input(TOO_MANY_DECIMALS, "InvoiceArticles[" + i + "] amounts may have at most two decimals."));
                }
            }
        }

        // urls
        checkHttps("InvoiceUrl", in.invoiceUrl(), found);
        checkHttps("RedirectUrl", in.redirectUrl(), found);

        // dates, in the issuer's zone
        LocalDate dueDate = date("DueDate", in.dueDate(), zone, found);
        LocalDate issueDate = in.issueDate() == null ? today : date("IssueDate", in.issueDate(), zone, found);
        LocalDate orderDate = date("OrderDate", in.orderDate(), zone, found);
        LocalDate deliveryDate = date("DeliveryDate", in.deliveryDate(), zone, found);
        if (in.dueDate() == null) {
            found.add(input(FIELD_REQUIRED, "DueDate is required."));
        } else if (dueDate != null) {
            if (dueDate.isBefore(today)) {
                found.add(input(DUE_DATE_IN_PAST, "DueDate must not be before today (" + today + " in " + zone + ")."));
            } else if (dueDate.isAfter(today.plusDays(DUE_DATE_MAX_DAYS_AHEAD))) {
                found.add(input(DUE_DATE_TOO_FAR, "DueDate must be at most " + DUE_DATE_MAX_DAYS_AHEAD + " days ahead."));
            }
        }
        if (issueDate != null && issueDate.isAfter(today)) {
            found.add(input(ISSUE_DATE_IN_FUTURE, "IssueDate must not be after today (" + today + " in " + zone + ")."));
        }

        // free text bounds (the table's column sizes)
        tooLong("ConsumerName", in.consumerName(), 200, found);
        tooLong("Comment", in.comment(), 1000, found);
        tooLong("MerchantContactName", in.merchantContactName(), 200, found);
        tooLong("MerchantOrderNumber", in.merchantOrderNumber(), 100, found);
        tooLong("BuyerOrderNumber", in.buyerOrderNumber(), 100, found);
        return new Checked(issueDate, dueDate, orderDate, deliveryDate, phone);
    }

    /** A Danish (+45 and 8 digits) or Finnish (+358 and 5 to 12 digits) phone number, without separators. */
    public static boolean isPhone(String phone) {
        return phone != null && PHONE.matcher(phone).matches();
    }

    /** The consumer alias without its spaces and dashes, or null when the invoice names none. */
    public static String phoneOf(InvoiceInput in) {
        return in.consumerAlias() == null || blank(in.consumerAlias().alias()) ? null
                : SEPARATORS.matcher(in.consumerAlias().alias()).replaceAll("");
    }

    /**
     * A date-time with offset is read as the date it is in the issuer's zone; a plain date as is. A plain
     * date is tried first when there is no 'T': the date-time forms need one, and failing them first threw
     * two parse exceptions per date field, whose stack traces cost more than the parse.
     */
    static LocalDate date(String field, String value, ZoneId zone, List<ApiException> found) {
        if (value == null) {
            return null;
        }
        LocalDate date;
        try {
            if (value.indexOf('T') < 0 && value.indexOf('t') < 0) {
                date = LocalDate.parse(value);
            } else {
                try {
                    date = OffsetDateTime.parse(value).atZoneSameInstant(zone).toLocalDate();
                } catch (DateTimeParseException notOffset) {
                    date = LocalDateTime.parse(value).toLocalDate();
                }
            }
        } catch (DateTimeParseException malformed) {
            found.add(input(DATE_MALFORMED, field + " must be an ISO-8601 date-time, e.g. 2026-09-22T14:51:11+02:00."));
            return null;
        }
        // ISO-8601 allows years of up to nine digits and below zero; PostgreSQL refuses some and the batch's binary
        // encoding wrapped others into another date, so only four-digit years are dates here
        if (date.getYear() < 1 || date.getYear() > 9999) {
            found.add(input(DATE_MALFORMED, field + " must be a date between the years 0001 and 9999."));
            return null;
        }
        return date;
    }

    private static void checkHttps(String field, String url, List<ApiException> found) {
        if (url == null || url.isEmpty()) {
            return;
        }
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || url.length() > 1000) {
                found.add(input(URL_NOT_HTTPS, field + " must be an absolute HTTPS URL of at most 1000 characters."));
            }
        } catch (Exception e) {
            found.add(input(URL_NOT_HTTPS, field + " must be an absolute HTTPS URL of at most 1000 characters."));
        }
    }

    private static void tooLong(String field, String value, int max, List<ApiException> found) {
        if (value != null && value.length() > max) {
            found.add(input(FIELD_TOO_LONG, field + " may have at most " + max + " characters."));
        }
    }

    private static boolean tooManyDecimals(BigDecimal value) {
        return value != null && value.stripTrailingZeros().scale() > 2;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
