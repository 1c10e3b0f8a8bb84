package com.invoicepay.invoice.payer;

import com.invoicepay.common.events.EventOrigin;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.invoice.persistence.Invoice;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import com.invoicepay.invoice.persistence.SandboxConsumer;
import com.invoicepay.invoice.service.InvoiceService;
import com.invoicepay.invoice.service.PayerLinks;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The payer page of an InvoiceLink: opened by the link's unguessable token, it shows the invoice and
 * lets the payer pay now, accept (pay on the due date) or reject. Forms carry a CSRF token that must
 * equal the page's SameSite=Strict cookie (double submit). The token stops working once the invoice is
 * Canceled, Rejected or Expired; a Paid invoice still shows its receipt.
 */
@Path("/pay/{token}")
@Tag(name = "Payer page")
public class PayerPageResource {
    static final String CSRF_COOKIE = "payer-csrf";
    private static final Set<String> GONE = Set.of(InvoiceService.CANCELED, InvoiceService.REJECTED, InvoiceService.EXPIRED);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Template payerPage;
    private final InvoiceService invoices;
    private final PayerLinks links;

    public PayerPageResource(Template payerPage, InvoiceService invoices, PayerLinks links) {
        this.payerPage = payerPage;
        this.invoices = invoices;
        this.links = links;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @WithSession
    @Operation(summary = "The payer page of an invoice link.")
    public Uni<Response> page(@PathParam("token") String token) {
        return view(token).map(view -> page(view, null, 200));
    }

    @GET
    @Path("/qr.png")
    @Produces("image/png")
    @WithSession
    @Operation(summary = "The invoice link as a QR code.")
    public Uni<Response> qr(@PathParam("token") String token) {
        return linked(token).map(invoice -> Response.ok(QrCodes.png(links.of(invoice).get(0).href(), 240)).build());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The payer's decision: pay now, accept (pay on the due date) or reject.")
    public Uni<Response> decide(@PathParam("token") String token, @CookieParam(CSRF_COOKIE) String cookie,
                                // read here, not as @FormParams (see form()); documented as the page's three fields
                                @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED,
                                        schema = @Schema(type = SchemaType.OBJECT, requiredProperties = {"csrf", "action", "phone"}, properties = {
                                                @SchemaProperty(name = "csrf", type = SchemaType.STRING,
                                                        description = "The page's CSRF token, the same as its payer-csrf cookie."),
                                                @SchemaProperty(name = "action", type = SchemaType.STRING, enumeration = {"pay", "accept", "reject"},
                                                        description = "pay now, accept (pay on the due date) or reject"),
                                                @SchemaProperty(name = "phone", type = SchemaType.STRING,
                                                        description = "The payer's phone number, as a sandbox consumer has it.")})))
                                String body) {
        Map<String, String> form = form(body);
        if (form == null) {
            return Uni.createFrom().item(Response.status(400).type(MediaType.TEXT_PLAIN)
                    .entity("The form could not be read: its encoding is broken. Open the link again.").build());
        }
        String csrf = form.get("csrf");
        String action = form.get("action");
        String phone = form.get("phone");
        if (cookie == null || csrf == null || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().item(Response.status(403).type(MediaType.TEXT_PLAIN)
                    .entity("The form has expired or did not come from this page. Open the link again.").build());
        }
        String normalized = phone == null ? "" : phone.replaceAll("[ -]", "");
        EventOrigin origin = new EventOrigin(CorrelationIds.current(), null, null, null);
        return Panache.withTransaction(() -> linked(token).chain(invoice -> SandboxConsumer.byPhone(normalized).chain(payer -> {
                    if (payer == null) {
                        throw new PayerMistake("No MobilePay user has the phone number you entered.");
                    }
                    return switch (action == null ? "" : action) {
                        case "pay" -> invoices.accept(payer.id, invoice.id, null, null, origin);
                        case "accept" -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId).chain(issuer -> {
                            LocalDate today = invoices.today(issuer);
                            return invoices.accept(payer.id, invoice.id, invoice.dueDate.isAfter(today) ? invoice.dueDate : today, null, origin);
                        });
                        case "reject" -> invoices.reject(payer.id, invoice.id, origin);
                        default -> throw new PayerMistake("Choose pay, accept or reject.");
                    };
                })))
                .map(invoice -> {
                    String status = InvoiceService.PAID.equals(invoice.status) ? "paid" : InvoiceService.ACCEPTED.equals(invoice.status) ? "accepted" : null;
                    URI next = invoice.redirectUrl != null && status != null
                            ? URI.create(invoice.redirectUrl + (invoice.redirectUrl.contains("?") ? "&" : "?") + "status=" + status)
                            : URI.create("/pay/" + token); // back to this page, on the host that served it
                    return Response.seeOther(next).build();
                })
                .onFailure(PayerMistake.class).recoverWithUni(e -> Panache.withSession(() -> view(token))
                        .map(view -> page(view, e.getMessage(), 400)))
                .onFailure(ApiException.class).recoverWithUni(e -> {
                    ApiException api = (ApiException) e;
                    if (api.status() == 404) {
                        return Uni.createFrom().failure(e);
                    }
                    return Panache.withSession(() -> view(token)).map(view -> page(view, api.description(), api.status()));
                });
    }

    /**
     * The form's fields (the first of a name), or null when a field's percent-encoding is broken. Read here rather than
     * as @FormParams: RESTEasy Reactive decodes those when the body ends, outside any handler, and a broken escape
     * ({@code phone=%ZZ}) then left the request unanswered or became a 500.
     */
    static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return fields;
        }
        try {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        } catch (IllegalArgumentException broken) {
            return null;
        }
        return fields;
    }

    private Uni<Invoice> linked(String token) {
        return invoices.byLinkToken(token).invoke(invoice -> {
            if (GONE.contains(invoice.status)) {
                throw new ApiException(410, com.invoicepay.common.web.ErrorKind.DomainError, com.invoicepay.invoice.service.InvoiceErrors.STATE_CONFLICT,
                        "This invoice link is no longer valid: the invoice is " + invoice.status + ".");
            }
        });
    }

    private Uni<PayerView> view(String token) {
        return linked(token).chain(invoice -> InvoiceIssuer.<InvoiceIssuer>findById(invoice.issuerId)
                .map(issuer -> PayerView.of(invoice, issuer, token)));
    }

    private Response page(PayerView view, String message, int status) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String csrf = HexFormat.of().formatHex(bytes);
        String html = payerPage.data("invoice", view).data("csrf", csrf).data("message", message).render();
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html)
                .cookie(new NewCookie.Builder(CSRF_COOKIE).value(csrf).path("/pay").httpOnly(true)
                        .sameSite(NewCookie.SameSite.STRICT).maxAge(3600).build())
                .build();
    }

    /** A payer's slip on the page: shown on the page again, not as an API error. */
    static final class PayerMistake extends RuntimeException {
        PayerMistake(String message) {
            super(message, null, false, false);
        }
    }
}
