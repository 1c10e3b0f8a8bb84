package com.invoicepay.invoice.service;

import com.invoicepay.common.events.InvoiceStatusChanged;
import com.invoicepay.invoice.persistence.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * The links of an InvoiceLink: {@code user-redirect} opens our payer page under the invoice's
 * unguessable token (invoice.yaml's {@code ResourceLink}).
 */
@ApplicationScoped
public class PayerLinks {
    public static final String USER_REDIRECT = "user-redirect";

    private final String baseUrl;

    public PayerLinks(@ConfigProperty(name = "invoice.payer-page-url", defaultValue = "http://127.0.0.1:8081/pay") String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public List<InvoiceStatusChanged.Link> of(Invoice invoice) {
        return invoice.linkToken == null ? List.of() : List.of(new InvoiceStatusChanged.Link(USER_REDIRECT, baseUrl + "/" + invoice.linkToken));
    }
}
