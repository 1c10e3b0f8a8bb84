package com.invoicepay.invoice.rest;

import com.invoicepay.invoice.service.InvoiceErrors;
import com.invoicepay.invoice.service.InvoiceRules;
import com.invoicepay.invoice.service.PersonalData;
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
 * the phone number goes in the body, never in a URL that access logs keep.
 */
@Path("/api/v1/admin/personal-data-erasures")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "Admin")
public class PersonalDataResource {
    public record ErasureRequest(String phoneNumber) {
    }

    private final PersonalData personalData;

    public PersonalDataResource(PersonalData personalData) {
        this.personalData = personalData;
    }

    @POST
    @Operation(summary = "Erase a payer's phone, name and addresses from every invoice (role admin)",
            description = "Final invoices lose them at once (erasedInvoices); open ones once they are final (pendingInvoices).")
    public Uni<PersonalData.Erasure> erase(ErasureRequest in) {
        String phone = in == null || in.phoneNumber() == null ? null : in.phoneNumber().replaceAll("[\\s-]", "");
        if (!InvoiceRules.isPhone(phone)) {
            throw InvoiceErrors.input(InvoiceErrors.PHONE_ALIAS_MALFORMED,
                    "phoneNumber must be +45 and 8 digits, or +358 and 5 to 12 digits.");
        }
        return personalData.eraseOnRequest(phone);
    }
}
