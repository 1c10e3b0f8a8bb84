package com.invoicepay.invoice.service;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * An invoice as an integrator sends it: invoice.yaml's {@code InvoiceInputModel}, and with
 * {@code redirectUrl} its {@code InvoiceLinkInputModel}. Property names are read case-insensitively.
 * Dates stay text here so that a malformed one is refused naming its field.
 */
public record InvoiceInput(
        UUID invoiceIssuer,
        ConsumerAlias consumerAlias,
        String consumerName,
        BigDecimal totalAmount,
        BigDecimal totalVatAmount,
        List<String> consumerAddressLines,
        List<String> deliveryAddressLines,
        String invoiceNumber,
        String issueDate,
        String dueDate,
        String orderDate,
        String deliveryDate,
        String comment,
        String merchantContactName,
        String merchantOrderNumber,
        String buyerOrderNumber,
        String paymentReference,
        List<Article> invoiceArticles,
        String invoiceUrl,
        String redirectUrl) {

    /** invoice.yaml {@code ConsumerAliasModel}; AliasType should be "Phone". */
    public record ConsumerAlias(String alias, String aliasType) {
    }

    /** invoice.yaml {@code InvoiceArticleModel}. */
    public record Article(String articleNumber, String articleDescription, BigDecimal vatRate,
                          BigDecimal totalVatAmount, BigDecimal totalPriceIncludingVat, String unit,
                          BigDecimal quantity, BigDecimal pricePerUnit, BigDecimal priceReduction,
                          BigDecimal priceDiscount, BigDecimal bonus) {
    }
}
