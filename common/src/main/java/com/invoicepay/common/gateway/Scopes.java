package com.invoicepay.common.gateway;

/** OAuth scopes of the public APIs (seed 004). */
public final class Scopes {
    public static final String INVOICE = "invoice";
    public static final String TRANSACTION_REPORTING = "transactionreporting";
    /** Sandbox only: the payer's side of the Invoice API. */
    public static final String INVOICE_USER_SIMULATION = "invoice-usersimulation";

    private Scopes() {
    }
}
