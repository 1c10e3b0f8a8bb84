package com.invoicepay.common.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every failure leaves as the API's error body: never a stack trace, never an HTML page, and a
 * client's mistake is never a 500. Services map their own domain exceptions to {@link ApiException}.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    /** Quarkus OIDC's session cookies of web-app tenants: q_session_<tenant>, and its chunks. */
    private static final String SESSION_COOKIE_PREFIX = "q_session";

    @Inject
    ErrorResponses errors;

    @ServerExceptionMapper
    public Response apiException(ApiException e, ContainerRequestContext request) {
        return errors.of(e, CorrelationIds.of(request));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonParseException e, ContainerRequestContext request) {
        var at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return input(PlatformErrors.MALFORMED_REQUEST, "The request body is not valid JSON" + where + ".", request);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, ContainerRequestContext request) {
        return input(PlatformErrors.MALFORMED_REQUEST, describe(e), request);
    }

    @ServerExceptionMapper
    public Response invalidValue(ValueInstantiationException e, ContainerRequestContext request) {
        String reason = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "invalid value";
        return input(PlatformErrors.MALFORMED_REQUEST, "The request body is not acceptable: " + reason + ".", request);
    }

    /**
     * Names read case-insensitively: {@code "Alias"} and {@code "alias"} in one object are the same field given twice,
     * which Jackson reports as a definition problem of a constructor-bound type (Quarkus would answer an empty 500).
     * Any other definition problem is ours.
     */
    @ServerExceptionMapper
    public Response invalidDefinition(InvalidDefinitionException e, ContainerRequestContext request) {
        // only reading a body binds creator properties (Jackson reports it without its parser)
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("No fallback setter/field defined for creator property")) {
            String field = fieldPath(e);
            return input(PlatformErrors.MALFORMED_REQUEST, "The request body gives " + (field.isEmpty() ? "a field" : "'" + field + "'")
                    + " more than once (field names are read case-insensitively).", request);
        }
        return internal(e, request);
    }

    @ServerExceptionMapper
    public Response otherJson(JsonProcessingException e, ContainerRequestContext request) {
        return input(PlatformErrors.MALFORMED_REQUEST, "The request body cannot be read as the expected JSON.", request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return unauthorized(request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return errors.of(403, ErrorKind.InputError, PlatformErrors.ACCESS_DENIED,
                "The caller is not allowed to use this operation.", CorrelationIds.of(request));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, ContainerRequestContext request) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof JsonParseException p ? malformedJson(p, request)
                    : input(PlatformErrors.MALFORMED_REQUEST, json instanceof JsonMappingException m ? describe(m)
                    : "The request body cannot be read as the expected JSON.", request);
        }
        return switch (status) {
            case 400 -> input(PlatformErrors.MALFORMED_REQUEST, "The request is malformed.", request);
            case 404 -> errors.of(404, ErrorKind.InputError, PlatformErrors.UNKNOWN_RESOURCE,
                    "No such resource.", CorrelationIds.of(request));
            case 405 -> errors.of(405, ErrorKind.InputError, PlatformErrors.METHOD_NOT_ALLOWED,
                    "This method is not allowed on this resource.", CorrelationIds.of(request));
            case 406 -> errors.of(406, ErrorKind.InputError, PlatformErrors.NOT_ACCEPTABLE,
                    "The requested media type cannot be produced.", CorrelationIds.of(request));
            case 413 -> errors.of(413, ErrorKind.InputError, PlatformErrors.BODY_TOO_LARGE,
                    "The request body is too large.", CorrelationIds.of(request));
            case 415 -> errors.of(415, ErrorKind.InputError, PlatformErrors.UNSUPPORTED_MEDIA_TYPE,
                    "This operation does not accept a body of type " + mediaTypeOf(request)
                            + ": see its request body in the OpenAPI document.", CorrelationIds.of(request));
            case 401 -> unauthorized(request);
            case 403 -> forbidden(new ForbiddenException(), request);
            default -> status >= 500 ? internal(e, request)
                    : errors.of(status, ErrorKind.InputError, PlatformErrors.MALFORMED_REQUEST,
                    "The request cannot be served.", CorrelationIds.of(request));
        };
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, ContainerRequestContext request) {
        String correlationId = CorrelationIds.of(request);
        if (dependencyUnreachable(e)) {
            // the database (or another server) is away: the client may retry, nothing of this request was kept
            LOG.warnf("A dependency is unreachable serving %s %s (correlation id %s): %s",
                    request.getMethod(), request.getUriInfo().getPath(), correlationId, e.toString());
            return errors.of(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                    "A server this API depends on is unavailable; retry later.", correlationId, Map.of("Retry-After", "5"));
        }
        String unstorable = unstorableValue(e);
        if (unstorable != null) {
            // a value from the request (path, query or body) that PostgreSQL refused: the client's, and nothing was kept
            LOG.warnf("PostgreSQL refused a value serving %s %s (correlation id %s): %s",
                    request.getMethod(), request.getUriInfo().getPath(), correlationId, e.toString());
            return input(PlatformErrors.MALFORMED_REQUEST, unstorable, request);
        }
        LOG.errorf(e, "Unhandled failure serving %s %s (correlation id %s)",
                request.getMethod(), request.getUriInfo().getPath(), correlationId);
        return errors.of(500, ErrorKind.ServerError, PlatformErrors.INTERNAL_ERROR,
                "An internal error occurred; quote the correlation id when reporting it.", correlationId);
    }

    /** A refused or lost connection, or the database shutting down, anywhere in the cause chain (the reactive clients wrap it). */
    static boolean dependencyUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof io.vertx.sqlclient.ClosedConnectionException
                    || t instanceof java.nio.channels.ClosedChannelException || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
            // PostgreSQL going down: 57P01-57P03 (shutdown, cannot connect now), class 08 (connection exception)
            if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("57P") || pg.getSqlState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with a value PostgreSQL refused as data (SQLSTATE class 22: a NUL character, a date or number out
     * of range, a text too long), anywhere in the cause chain (Hibernate wraps it in a SQLException, the Vert.x client
     * raises a PgException); null for any other failure.
     */
    static String unstorableValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof io.vertx.pgclient.PgException pg ? pg.getSqlState()
                    : t instanceof java.sql.SQLException sql ? sql.getSQLState() : null;
            if (state != null && state.startsWith("22")) {
                return switch (state) {
                    case "22021" -> "A text in the request contains a character that cannot be stored (such as U+0000).";
                    case "22007", "22008" -> "A date or time in the request is out of range.";
                    case "22003" -> "A number in the request is out of range.";
                    case "22001" -> "A text in the request is longer than allowed.";
                    default -> "A value in the request is invalid.";
                };
            }
        }
        return null;
    }

    private Response unauthorized(ContainerRequestContext request) {
        if (isPageVisitWithUnreadableSession(request)) {
            // a session cookie of a page's code flow that no longer authenticates (a restarted sandbox, another
            // secret, a logged-out session): deleted, and the same page asked for again, which starts a new login;
            // left in place the visitor would get this 401 until the cookie expired
            Response.ResponseBuilder again = Response.status(Response.Status.FOUND)
                    .location(URI.create(request.getUriInfo().getRequestUri().getRawPath()
                            + (request.getUriInfo().getRequestUri().getRawQuery() == null ? ""
                            : "?" + request.getUriInfo().getRequestUri().getRawQuery())))
                    .header("Cache-Control", "no-store");
            request.getCookies().keySet().stream().filter(name -> name.startsWith(SESSION_COOKIE_PREFIX))
                    .forEach(name -> again.cookie(new NewCookie.Builder(name).value("").path("/").maxAge(0).httpOnly(true)
                            .sameSite(NewCookie.SameSite.LAX).build()));
            return again.build();
        }
        return errors.of(401, ErrorKind.InputError, PlatformErrors.TOKEN_MISSING_OR_INVALID,
                "A valid bearer access token is required.", CorrelationIds.of(request));
    }

    /** A browser's GET of a page (HTML accepted, no bearer token) that carries a code-flow session cookie. */
    private static boolean isPageVisitWithUnreadableSession(ContainerRequestContext request) {
        String accept = request.getHeaderString("Accept");
        return ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
                && request.getHeaderString("Authorization") == null
                && accept != null && accept.contains("text/html")
                && request.getCookies().keySet().stream().anyMatch(name -> name.startsWith(SESSION_COOKIE_PREFIX));
    }

    /** The request's media type as type/subtype, without parameters; "(none)" or "(unreadable)" otherwise. */
    private static String mediaTypeOf(ContainerRequestContext request) {
        try {
            var type = request.getMediaType();
            return type == null ? "(none)" : type.getType() + "/" + type.getSubtype();
        } catch (RuntimeException unparsable) {
            return "(unreadable)";
        }
    }

    /** The JSON path of the field that failed, such as {@code InvoiceArticles[0].ArticleDescription}; empty at the root. */
    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private Response input(String code, String description, ContainerRequestContext request) {
        return errors.of(400, ErrorKind.InputError, code, description, CorrelationIds.of(request));
    }

    /** Names the JSON field that failed, without Java type names. */
    static String describe(JsonMappingException e) {
        String path = fieldPath(e);
        return path.isEmpty() ? "The request body has the wrong structure."
                : "The field '" + path + "' is missing, of the wrong type or has an invalid value.";
    }
}
