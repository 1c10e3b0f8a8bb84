package com.invoicepay.invoice.rest;

import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.service.ConsentService;
import com.invoicepay.invoice.service.InvoiceErrors;
import com.invoicepay.invoice.service.InvoiceRules;
import com.invoicepay.invoice.service.PersonalData;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A payer's request to have their personal data deleted, made through support (role {@code admin}):
 * the phone number goes in the body, never in a URL that access logs keep. Their consents are ended and
 * lose the phone number (ConsentService), then their invoices are erased (PersonalData); each step is
 * idempotent, so a request that failed half-way is simply repeated.
 */
@Path("/api/v1/admin/personal-data-erasures")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "Admin")
public class PersonalDataResource {
    public record ErasureRequest(String phoneNumber) {
    }

    /** Invoices erased now, open ones erased once final, and the payer's direct-invoice consents ended and erased. */
    public record ErasureAnswer(long erasedInvoices, long pendingInvoices, int erasedConsents) {
    }

    private final PersonalData personalData;
    private final ConsentService consents;

    public PersonalDataResource(PersonalData personalData, ConsentService consents) {
        this.personalData = personalData;
        this.consents = consents;
    }

    @POST
    @Operation(summary = "Erase a payer's phone, name and addresses from every invoice (role admin)",
            description = "Final invoices lose them at once (erasedInvoices); open ones once they are final (pendingInvoices). "
                    + "The payer's pending direct-invoice consents are declined, granted ones revoked (announced as ConsentChanged), "
                    + "and all of them lose the phone number (erasedConsents).")
    @WithTransaction
    public Uni<ErasureAnswer> erase(ErasureRequest in) {
        String phone = in == null || in.phoneNumber() == null ? null : in.phoneNumber().replaceAll("[\\s-]", "");
        if (!InvoiceRules.isPhone(phone)) {
            throw InvoiceErrors.input(InvoiceErrors.PHONE_ALIAS_MALFORMED,
                    "phoneNumber must be +45 and 8 digits, or +358 and 5 to 12 digits.");
        }
        EventOrigin origin = new EventOrigin(CorrelationIds.current(), null, null, null);
        return consents.forgetPayer(phone, origin).chain(erasedConsents -> personalData.eraseOnRequest(phone)
                .map(invoices -> new ErasureAnswer(invoices.erasedInvoices(), invoices.pendingInvoices(), erasedConsents)));
    }
}
