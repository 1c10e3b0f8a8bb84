package com.invoicepay.invoice.payer;

import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.rest.InvoiceViews;
import com.invoicepay.invoice.rest.InvoiceViews.InvoiceDetailsModel;
import com.invoicepay.invoice.service.InvoiceService;
import io.quarkus.qute.TemplateData;

import java.util.List;

/**
 * What the payer sees, on the page and in the PDF alike: built from the invoice's details as the API
 * shows them to the merchant, plus what the payer may still do.
 */
@TemplateData
public record PayerView(String token, String issuerName, String invoiceNumber, String dueDate, String amount,
                        String vatAmount, String currency, String paymentReference, String consumerName,
                        String comment, List<Line> lines, String status, boolean payable, boolean rejectable) {

    @TemplateData
    public record Line(String text, String quantity, String amount) {
    }

    public static PayerView of(Invoice invoice, InvoiceIssuer issuer, String token) {
        InvoiceDetailsModel d = InvoiceViews.details(invoice, issuer);
        List<Line> lines = d.invoiceArticles() == null ? List.of() : d.invoiceArticles().stream()
                .map(a -> new Line(a.articleDescription() != null ? a.articleDescription() : a.articleNumber(),
                        a.quantity() == null ? "" : a.quantity().stripTrailingZeros().toPlainString(),
                        a.totalPriceIncludingVat() == null ? "" : a.totalPriceIncludingVat().toPlainString()))
                .toList();
        return new PayerView(token, d.invoiceIssuerName(), d.invoiceNumber(), invoice.dueDate.toString(),
                d.totalAmount().toPlainString(), d.totalVatAmount() == null ? null : d.totalVatAmount().toPlainString(),
                d.currencyCode(), invoice.paymentReference, invoice.consumerName, d.comment(), lines, invoice.status,
                InvoiceService.CREATED.equals(invoice.status),
                InvoiceService.CREATED.equals(invoice.status) || InvoiceService.ACCEPTED.equals(invoice.status));
    }
}
