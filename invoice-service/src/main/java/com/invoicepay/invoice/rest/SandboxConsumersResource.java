package com.invoicepay.invoice.rest;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.persistence.UniqueViolations;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.persistence.ConsumerCard;
import com.invoicepay.invoice.persistence.SandboxConsumer;
import com.invoicepay.invoice.service.InvoiceErrors;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What the original's sandbox portal did for payers, as an admin API (role {@code admin}, sandbox
 * only): register a test consumer with a phone number, a payer id and test cards.
 */
@Path("/api/v1/admin/sandbox-consumers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@Tag(name = "Admin")
public class SandboxConsumersResource {
    private static final Pattern PHONE = Pattern.compile("\\+45\\d{8}|\\+358\\d{5,12}");

    public record CardInput(String maskedNumber, String cardType, boolean alwaysFails) {
    }

    public record ConsumerInput(String phoneNumber, String name, Boolean available, List<CardInput> cards) {
    }

    public record CardView(UUID id, String maskedNumber, String cardType, boolean alwaysFails) {
    }

    /** {@code payerId} is the user simulation's AuthenticatedUser. */
    public record ConsumerView(UUID payerId, String phoneNumber, String name, boolean available, List<CardView> cards) {
    }

    private final boolean sandbox;

    public SandboxConsumersResource(PlatformConfig config) {
        this.sandbox = config.sandbox();
    }

    @POST
    @WithTransaction
    @Operation(summary = "Register a sandbox consumer with test cards (sandbox only, role admin)")
    public Uni<Response> register(ConsumerInput in) {
        if (!sandbox) {
            throw ApiException.unknownResource();
        }
        if (in == null || in.phoneNumber() == null || !PHONE.matcher(in.phoneNumber()).matches()) {
            throw InvoiceErrors.input(InvoiceErrors.PHONE_ALIAS_MALFORMED, "phoneNumber must be +45 and 8 digits, or +358 and 5 to 12 digits.");
        }
        if (in.name() == null || in.name().isBlank() || in.name().length() > 100) {
            throw InvoiceErrors.input(InvoiceErrors.FIELD_REQUIRED, "name is required (at most 100 characters).");
        }
        return SandboxConsumer.byPhone(in.phoneNumber()).chain(existing -> {
            if (existing != null) {
                throw phoneTaken();
            }
            SandboxConsumer consumer = new SandboxConsumer();
            consumer.id = UUID.randomUUID();
            consumer.phoneNumber = in.phoneNumber();
            consumer.name = in.name();
            consumer.available = in.available() == null || in.available();
            List<ConsumerCard> cards = new ArrayList<>();
            for (CardInput c : in.cards() == null ? List.<CardInput>of() : in.cards()) {
                ConsumerCard card = new ConsumerCard();
                card.id = UUID.randomUUID();
                card.consumerId = consumer.id;
                card.maskedNumber = c.maskedNumber() == null ? "4571 XXXX XXXX 0000" : c.maskedNumber();
                card.cardType = c.cardType() == null ? "Visa" : c.cardType();
                card.alwaysFails = c.alwaysFails();
                cards.add(card);
            }
            return consumer.persist().chain(() -> ConsumerCard.persist(cards))
                    .call(Panache::flush) // the same number registered at once by another request: refused as above
                    .onFailure(UniqueViolations.of("sandbox_consumer_phone_number_key")).transform(meanwhile -> phoneTaken())
                    .map(ignored -> Response.status(201)
                    .entity(new ConsumerView(consumer.id, consumer.phoneNumber, consumer.name, consumer.available,
                            cards.stream().map(c -> new CardView(c.id, c.maskedNumber, c.cardType, c.alwaysFails)).toList()))
                    .build());
        });
    }

    private static ApiException phoneTaken() {
        return InvoiceErrors.conflict(InvoiceErrors.STATE_CONFLICT, "A consumer with this phone number exists.");
    }
}
