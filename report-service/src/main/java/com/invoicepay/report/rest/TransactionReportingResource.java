package com.invoicepay.report.rest;

import com.invoicepay.common.gateway.CallerContext;
import com.invoicepay.common.gateway.GatewayProtected;
import com.invoicepay.common.gateway.Scopes;
import com.invoicepay.report.rest.ReportingQueries.Page;
import com.invoicepay.report.rest.ReportingQueries.Paging;
import com.invoicepay.report.rest.ReportingViews.PaymentPoints;
import com.invoicepay.report.rest.ReportingViews.Transactions;
import com.invoicepay.report.rest.ReportingViews.Transfers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import static com.invoicepay.report.rest.ReportingErrors.badRequest;
import static com.invoicepay.report.rest.ReportingErrors.notFound;

/**
 * The Transaction Reporting API v3 (reporting.yaml): the caller's payment points, ledger entries
 * and transfers, a page at a time, as JSON or as CSV for {@code Accept: text/csv}. The merchant is
 * the token's; another merchant's payment point or transfer is a 404.
 */
@Path("/v3/reporting")
@Produces({MediaType.APPLICATION_JSON, Csv.TEXT_CSV})
@GatewayProtected(scope = Scopes.TRANSACTION_REPORTING)
@Tag(name = "Transaction Reporting")
public class TransactionReportingResource {
    static final int MAX_PAGE_SIZE = 1000;
    static final int DEFAULT_PAGE_SIZE = 100;

    private final ReportingQueries queries;
    private final CallerContext caller;

    public TransactionReportingResource(ReportingQueries queries, CallerContext caller) {
        this.queries = queries;
        this.caller = caller;
    }

    @GET
    @Path("/paymentpoints")
    @Operation(summary = "fetch a list of payment points")
    public Uni<Response> paymentPoints(@QueryParam("pagesize") String pageSize, @QueryParam("pagenumber") String pageNumber,
                                       @Context HttpHeaders headers) {
        Paging paging = paging(pageSize, pageNumber, "desc");
        return queries.paymentPoints(caller.merchantId(), paging).map(page -> {
            PaymentPoints body = new PaymentPoints(paging.size(), next(paging, page), page.items());
            return Csv.wanted(headers) ? Csv.response(List.of("id", "name", "productType", "alias"),
                    page.items().stream().map(p -> java.util.Arrays.<Object>asList(p.id(), p.name(), p.productType(), p.alias())).toList())
                    : json(body);
        });
    }

    @GET
    @Path("/transactions")
    @Operation(summary = "fetch a list of transactions")
    public Uni<Response> transactions(@QueryParam("transferid") String transferId,
                                      @QueryParam("paymentpointid") String paymentPointId,
                                      @QueryParam("startdate") String startDate, @QueryParam("enddate") String endDate,
                                      @QueryParam("pagesize") String pageSize, @QueryParam("pagenumber") String pageNumber,
                                      @QueryParam("sortdirection") String sortDirection, @Context HttpHeaders headers) {
        Paging paging = paging(pageSize, pageNumber, sortDirection);
        OffsetDateTime start = dateTime("startdate", startDate, false);
        OffsetDateTime end = dateTime("enddate", endDate, true);
        if (start != null && end != null && start.isAfter(end)) {
            throw badRequest(ReportingErrors.START_AFTER_END, "startdate must not be after enddate.");
        }
        UUID point = uuid("paymentpointid", paymentPointId);
        UUID transfer = uuid("transferid", transferId);
        UUID merchant = caller.merchantId();
        return ownedPaymentPoint(merchant, point)
                .chain(() -> ownedTransfer(merchant, transfer))
                .chain(() -> queries.transactions(merchant, point, transfer, start, end, paging))
                .map(page -> Csv.wanted(headers)
                        ? Csv.response(ReportingViews.Transaction.CSV_COLUMNS, page.items().stream().map(ReportingViews.Transaction::csvValues).toList())
                        : json(new Transactions(paging.size(), next(paging, page), page.items())));
    }

    @GET
    @Path("/transfers")
    @Operation(summary = "fetch a list of transfers")
    public Uni<Response> transfers(@QueryParam("paymentpointid") String paymentPointId,
                                   @QueryParam("startdate") String startDate, @QueryParam("enddate") String endDate,
                                   @QueryParam("reference") String reference,
                                   @QueryParam("pagesize") String pageSize, @QueryParam("pagenumber") String pageNumber,
                                   @QueryParam("sortdirection") String sortDirection, @Context HttpHeaders headers) {
        Paging paging = paging(pageSize, pageNumber, sortDirection);
        LocalDate start = date("startdate", startDate);
        LocalDate end = date("enddate", endDate);
        if (start != null && end != null && start.isAfter(end)) {
            throw badRequest(ReportingErrors.START_AFTER_END, "startdate must not be after enddate.");
        }
        UUID point = uuid("paymentpointid", paymentPointId);
        UUID merchant = caller.merchantId();
        String ref = reference == null || reference.isBlank() ? null : reference;
        return ownedPaymentPoint(merchant, point)
                .chain(() -> queries.transfers(merchant, point, start, end, ref, paging))
                .map(page -> Csv.wanted(headers)
                        ? Csv.response(ReportingViews.Transfer.CSV_COLUMNS, page.items().stream().map(ReportingViews.Transfer::csvValues).toList())
                        : json(new Transfers(paging.size(), next(paging, page), page.items())));
    }

    @GET
    @Path("/transfers/{transferid}")
    @Operation(summary = "fetch single transfer")
    public Uni<Response> transfer(@PathParam("transferid") String transferId, @Context HttpHeaders headers) {
        UUID id = uuid("transferid", transferId);
        return queries.transfer(caller.merchantId(), id).map(t -> {
            if (t == null) {
                throw notFound("Transfer " + transferId + " was not found.");
            }
            return Csv.wanted(headers) ? Csv.response(ReportingViews.Transfer.CSV_COLUMNS, List.of(t.csvValues())) : json(t);
        });
    }

    // ---- validation --------------------------------------------------------------------------------

    /** Unknown payment point: 400; another merchant's: 404, never its data. */
    private Uni<Void> ownedPaymentPoint(UUID merchant, UUID point) {
        if (point == null) {
            return Uni.createFrom().voidItem();
        }
        return queries.ownerOfPaymentPoint(point).invoke(owner -> {
            if (owner == null) {
                throw badRequest(ReportingErrors.UNKNOWN_PAYMENT_POINT, "paymentpointid " + point + " is not a known payment point.");
            }
            if (!owner.equals(merchant)) {
                throw notFound("Payment point " + point + " was not found.");
            }
        }).replaceWithVoid();
    }

    private Uni<Void> ownedTransfer(UUID merchant, UUID transfer) {
        if (transfer == null) {
            return Uni.createFrom().voidItem();
        }
        return queries.ownerOfTransfer(transfer).invoke(owner -> {
            if (owner == null) {
                throw badRequest(ReportingErrors.UNKNOWN_TRANSFER, "transferid " + transfer + " is not a known transfer.");
            }
            if (!owner.equals(merchant)) {
                throw notFound("Transfer " + transfer + " was not found.");
            }
        }).replaceWithVoid();
    }

    static Paging paging(String pageSize, String pageNumber, String sortDirection) {
        int size = integer("pagesize", pageSize, DEFAULT_PAGE_SIZE, ReportingErrors.PAGE_SIZE_OUT_OF_RANGE);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw badRequest(ReportingErrors.PAGE_SIZE_OUT_OF_RANGE, "pagesize must be between 1 and 1000.");
        }
        int number = integer("pagenumber", pageNumber, 1, ReportingErrors.PAGE_NUMBER_OUT_OF_RANGE);
        if (number < 1) {
            throw badRequest(ReportingErrors.PAGE_NUMBER_OUT_OF_RANGE, "pagenumber must be 1 or more.");
        }
        if ((long) (number - 1) * size > Integer.MAX_VALUE) { // the offset of that page is past any result
            throw badRequest(ReportingErrors.PAGE_NUMBER_OUT_OF_RANGE,
                    "pagenumber may be at most " + (Integer.MAX_VALUE / size + 1) + " with pagesize " + size + ".");
        }
        String dir = sortDirection == null || sortDirection.isBlank() ? "desc" : sortDirection.trim().toLowerCase();
        if (!dir.equals("asc") && !dir.equals("desc")) {
            throw badRequest(ReportingErrors.BAD_SORT_DIRECTION, "sortdirection must be asc or desc.");
        }
        return new Paging(size, number, dir.equals("asc"));
    }

    private static int integer(String name, String value, int byDefault, String code) {
        if (value == null || value.isBlank()) {
            return byDefault;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw badRequest(code, name + " must be an integer.");
        }
    }

    static UUID uuid(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw badRequest(ReportingErrors.MALFORMED_ID, name + " must be a UUID.");
        }
    }

    /**
     * A date-time ({@code 2021-11-30T10:00:00Z}, {@code +00:00}; without offset read as UTC), or a date
     * (the start of that UTC day for startdate, its last second for enddate). A {@code +} that arrived
     * unencoded (as a space) is read as {@code +}.
     */
    static OffsetDateTime dateTime(String name, String value, boolean endOfDay) {
        if (value == null || value.isBlank()) {
            return null;
        }
        OffsetDateTime parsed = parseDateTime(name, value.trim().replace(' ', '+'), endOfDay);
        inCalendar(name, parsed.getYear());
        return parsed;
    }

    private static OffsetDateTime parseDateTime(String name, String v, boolean endOfDay) {
        try {
            return OffsetDateTime.parse(v);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(v).atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    LocalDate day = LocalDate.parse(v);
                    return endOfDay ? day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC).minusNanos(1)
                            : day.atStartOfDay().atOffset(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw badRequest(ReportingErrors.MALFORMED_DATE,
                            name + " must be a date-time such as 2021-11-30T10:00:00Z or a date such as 2021-11-30.");
                }
            }
        }
    }

    static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        LocalDate parsed;
        try {
            parsed = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw badRequest(ReportingErrors.MALFORMED_DATE, name + " must be a date such as 2021-11-30.");
        }
        inCalendar(name, parsed.getYear());
        return parsed;
    }

    /** ISO-8601 admits signed years of any length (+99999-01-01); a query for them is the caller's mistake, not an empty page. */
    private static void inCalendar(String name, int year) {
        if (year < 1 || year > 9999) {
            throw badRequest(ReportingErrors.MALFORMED_DATE, name + " must be a date between the years 1 and 9999.");
        }
    }

    private static Integer next(Paging paging, Page<?> page) {
        return page.more() ? paging.number() + 1 : null;
    }

    private static Response json(Object body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
