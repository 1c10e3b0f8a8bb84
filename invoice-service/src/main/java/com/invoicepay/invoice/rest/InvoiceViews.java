package com.invoicepay.invoice.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.invoicepay.common.events.EventJson;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.service.InvoiceInput;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/** Response bodies of invoice.yaml, named after its schemas, and how an invoice becomes them. */
public final class InvoiceViews {
    /** {@code RestAPI.Models.Invoice.InvoiceResultModel}. */
    public record InvoiceResultModel(UUID invoiceId) {
    }

    /** {@code RestAPI.Models.Invoice.InvoiceStatusResultModel}. */
    /** invoice.yaml {@code InvoiceLinkResultModel}: the user-redirect link to the payer page. */
    public record InvoiceLinkResultModel(UUID invoiceId, java.util.List<com.invoicepay.common.events.InvoiceStatusChanged.Link> links) {
    }

    public record InvoiceStatusResultModel(UUID invoiceId, String status) {
    }

    /** {@code RestAPI.Models.Invoice.InvoiceContext.InvoiceArticleDetailModel}. */
    public record InvoiceArticleDetailModel(String articleNumber, String articleDescription, BigDecimal totalPriceIncludingVat,
                                            BigDecimal quantity, BigDecimal pricePerUnit) {
    }

    /** {@code RestAPI.Models.Invoice.InvoiceContext.InvoiceVatRateTotalModel}. */
    public record InvoiceVatRateTotalModel(BigDecimal vatRate, BigDecimal totalVatAmount) {
    }

    /** {@code RestAPI.Models.Invoice.InvoiceContext.InvoiceDetailsModel}. */
    public record InvoiceDetailsModel(UUID invoiceId, String invoiceNumber, OffsetDateTime issueDate, OffsetDateTime dueDate,
                                      OffsetDateTime paymentDate, String comment, List<InvoiceArticleDetailModel> invoiceArticles,
                                      String currencyCode, BigDecimal totalAmount, List<InvoiceVatRateTotalModel> invoiceVatTotals,
                                      BigDecimal totalVatAmount, BigDecimal totalAmountExcludingVat, UUID merchantId,
                                      UUID invoiceIssuerId, String invoiceIssuerName, String invoiceIssuerAddress,
                                      String invoiceIssuerZipcode, String invoiceIssuerCity, String merchantIsoCountryCode,
                                      String logoUrl, String status, String invoiceUrl, Integer urlType,
                                      String paymentTransactionId, String paymentReference) {
    }

    /** {@code RestAPI.Models.Invoice.AcceptInvoiceResultModel}. */
    public record AcceptInvoiceResultModel(UUID invoiceId, String invoicePaymentStatus, String redirectUrl) {
    }

    private InvoiceViews() {
    }

    public static InvoiceDetailsModel details(Invoice invoice, InvoiceIssuer issuer) {
        List<InvoiceInput.Article> articles = articles(invoice.articles);
        // VAT totals per rate from the articles; without per-article VAT the invoice's total stands alone
        Map<BigDecimal, BigDecimal> perRate = new TreeMap<>();
        for (InvoiceInput.Article a : articles) {
            if (a.vatRate() != null && a.totalVatAmount() != null) {
                perRate.merge(a.vatRate().stripTrailingZeros(), a.totalVatAmount(), BigDecimal::add);
            }
        }
        BigDecimal vat = invoice.totalVatAmount != null ? invoice.totalVatAmount
                : perRate.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
        ZoneId zone = issuer.zone();
        return new InvoiceDetailsModel(invoice.id, invoice.invoiceNumber, at(invoice.issueDate, zone), at(invoice.dueDate, zone),
                "Paid".equals(invoice.status) || "Accepted".equals(invoice.status) ? at(invoice.paymentDate, zone) : null,
                invoice.comment,
                articles.stream().map(a -> new InvoiceArticleDetailModel(a.articleNumber(), a.articleDescription(),
                        a.totalPriceIncludingVat(), a.quantity(), a.pricePerUnit())).toList(),
                invoice.currency, invoice.totalAmount,
                perRate.entrySet().stream().map(e -> new InvoiceVatRateTotalModel(e.getKey(), e.getValue())).toList(),
                vat, invoice.totalAmount.subtract(vat), invoice.merchantId, issuer.id, issuer.name, issuer.address,
                issuer.zipCode, issuer.city, issuer.country, issuer.logoUrl, invoice.status, invoice.invoiceUrl,
                invoice.invoiceUrl == null ? null : 0, invoice.paymentTransactionId, invoice.paymentReference);
    }

    /** Business dates go out as the date-time of their midnight in the issuer's zone, as the contract types them. */
    static OffsetDateTime at(LocalDate date, ZoneId zone) {
        return date == null ? null : date.atStartOfDay(zone).toOffsetDateTime();
    }

    public static List<InvoiceInput.Article> articles(String json) {
        try {
            return json == null ? List.of() : EventJson.MAPPER.readValue(json, new TypeReference<List<InvoiceInput.Article>>() {
            }).stream().filter(Objects::nonNull).toList();
        } catch (IOException e) {
            throw new IllegalStateException("stored articles are not JSON", e);
        }
    }
}
