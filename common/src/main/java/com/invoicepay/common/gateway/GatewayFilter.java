package com.invoicepay.common.gateway;

import com.invoicepay.common.gate.ProductionGate;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.CorrelationIds;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.ErrorResponses;
import com.invoicepay.common.web.PlatformErrors;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The gateway in front of every {@link GatewayProtected} operation (seed 004, "Authentication"):
 * <ol>
 *   <li>a valid Keycloak access token (signature, issuer, expiry checked by quarkus-oidc) — else 401;</li>
 *   <li>{@code x-ibm-client-id} equal to the token's client ({@code azp}) and its
 *       {@code x-ibm-client-secret} accepted by Keycloak — else 401;</li>
 *   <li>the operation's scope in the token — else 403;</li>
 *   <li>a UUID {@code merchant_id} claim, equal to any {@code {merchantId}} in the path — else 403,
 *       before the resource looks anything up;</li>
 *   <li>well-formed client version headers — else 400;</li>
 *   <li>for a production client, where the gate is on, a certified client version — else 403
 *       ({@link ProductionGate});</li>
 *   <li>within the rate limit of client and merchant — else 429 with Retry-After.</li>
 * </ol>
 * Authentication is done first, authorization after, so a wrong secret never learns about scopes.
 */
public class GatewayFilter {
    static final String CLIENT_ID_HEADER = "x-ibm-client-id";
    static final String CLIENT_SECRET_HEADER = "x-ibm-client-secret";

    @Inject
    CurrentIdentityAssociation identities;
    @Inject
    ClientCredentialVerifier credentials;
    @Inject
    RateLimiter rateLimiter;
    @Inject
    CallerContext caller;
    @Inject
    ErrorResponses errors;
    @Inject
    ProductionGate productionGate;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> guard(ContainerRequestContext request, ResourceInfo resource) {
        GatewayProtected rule = ruleOf(resource);
        if (rule == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity()
                .onFailure().recoverWithNull() // an invalid token is just "no identity": 401 below
                .chain(identity -> authenticate(identity, request))
                .map(token -> authorize(token, rule, request))
                .onFailure(ApiException.class).recoverWithItem(e -> errors.of((ApiException) e, CorrelationIds.of(request)));
    }

    private Uni<JsonWebToken> authenticate(SecurityIdentity identity, ContainerRequestContext request) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw unauthorized(PlatformErrors.TOKEN_MISSING_OR_INVALID, "A valid bearer access token is required.");
        }
        String clientId = request.getHeaderString(CLIENT_ID_HEADER);
        String clientSecret = request.getHeaderString(CLIENT_SECRET_HEADER);
        if (isBlank(clientId) || isBlank(clientSecret)) {
            throw unauthorized(PlatformErrors.CLIENT_CREDENTIALS_MISSING,
                    "The headers x-ibm-client-id and x-ibm-client-secret are required.");
        }
        if (!clientId.equals(token.getClaim("azp"))) {
            throw unauthorized(PlatformErrors.CLIENT_ID_NOT_TOKEN_CLIENT,
                    "x-ibm-client-id is not the client the access token was issued to.");
        }
        return credentials.verify(clientId, clientSecret, token.getRawToken()).map(verdict -> switch (verdict) {
            case ACCEPTED -> token;
            case CREDENTIALS_REJECTED -> throw unauthorized(PlatformErrors.CLIENT_CREDENTIALS_REJECTED,
                    "The client id and secret were not accepted.");
            case TOKEN_INACTIVE -> throw unauthorized(PlatformErrors.TOKEN_MISSING_OR_INVALID,
                    "The access token is no longer active.");
        });
    }

    /** Returns null to let the request through, as a filter must. */
    private Response authorize(JsonWebToken token, GatewayProtected rule, ContainerRequestContext request) {
        if (!scopesOf(token).contains(rule.scope())) {
            throw forbidden(PlatformErrors.SCOPE_MISSING, "The access token lacks the scope '" + rule.scope() + "'.");
        }
        UUID merchantId = merchantOf(token);
        for (Map.Entry<String, List<String>> param : request.getUriInfo().getPathParameters().entrySet()) {
            if (param.getKey().equalsIgnoreCase("merchantId")
                    && !param.getValue().isEmpty() && !merchantId.toString().equalsIgnoreCase(param.getValue().get(0))) {
                throw forbidden(PlatformErrors.MERCHANT_NOT_CALLER, "The merchant in the path is not the caller's merchant.");
            }
        }
        Optional<ClientVersion> version = ClientVersion.parse(
                request.getHeaderString(ClientVersion.NAME_HEADER), request.getHeaderString(ClientVersion.VERSION_HEADER));
        String clientId = token.getClaim("azp");
        Object environment = claimOf(token, "environment");
        String environmentName = environment == null ? "sandbox" : environment.toString().replace("\"", "");
        productionGate.admit(clientId, environmentName, version);
        long retryAfter = rateLimiter.acquire(clientId, merchantId.toString());
        if (retryAfter > 0) {
            throw new ApiException(429, ErrorKind.InputError, PlatformErrors.RATE_LIMITED,
                    "Too many requests; retry after " + retryAfter + " s.", Map.of("Retry-After", Long.toString(retryAfter)));
        }
        caller.establish(merchantId, clientId, version.orElse(null), (String) claimOf(token, "sid"),
                Instant.ofEpochSecond(token.getIssuedAtTime()), environmentName);
        return null;
    }

    private static UUID merchantOf(JsonWebToken token) {
        Object claim = claimOf(token, "merchant_id");
        if (claim != null) {
            try {
                return UUID.fromString(claim.toString().replace("\"", ""));
            } catch (IllegalArgumentException ignored) {
                // falls through to the refusal below
            }
        }
        throw forbidden(PlatformErrors.MERCHANT_CLAIM_MISSING, "The access token carries no merchant (claim merchant_id).");
    }

    private static List<String> scopesOf(JsonWebToken token) {
        Object scope = claimOf(token, "scope");
        return scope == null ? List.of() : Arrays.asList(scope.toString().replace("\"", "").split(" "));
    }

    /**
     * A claim the MicroProfile {@code Claims} enum does not name, the same value {@code getClaim} answers:
     * smallrye-jwt's {@code getClaim} looks every name up with {@code Claims.valueOf} and throws (and fills
     * the stack of) an IllegalArgumentException for each such name, four per call here.
     */
    private static Object claimOf(JsonWebToken token, String name) {
        return token instanceof OidcJwtCallerPrincipal oidc ? oidc.getClaims().getClaimValue(name) : token.getClaim(name);
    }

    private static GatewayProtected ruleOf(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return null;
        }
        GatewayProtected onMethod = resource.getResourceMethod().getAnnotation(GatewayProtected.class);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(GatewayProtected.class);
    }

    private static ApiException unauthorized(String code, String description) {
        return new ApiException(401, ErrorKind.InputError, code, description);
    }

    private static ApiException forbidden(String code, String description) {
        return new ApiException(403, ErrorKind.InputError, code, description);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
