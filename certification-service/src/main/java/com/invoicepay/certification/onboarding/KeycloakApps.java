package com.invoicepay.certification.onboarding;

import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Integrators' apps as Keycloak clients, managed through the admin REST API of realm
 * {@code certification.keycloak.realm} (as the master realm's admin, certification.keycloak.*). Keycloak stays the
 * one place where secrets live: they pass through here to the caller once and are never logged or stored.
 */
@ApplicationScoped
public class KeycloakApps {
    private static final Logger LOG = Logger.getLogger(KeycloakApps.class);

    public record CreatedClient(String keycloakId, String secret) {
    }

    private final WebClient web;
    private final CertificationConfig.Keycloak config;
    /** Client scope name → id; scopes are realm-level and never change id. */
    private final Map<String, String> scopeIds = new ConcurrentHashMap<>();

    public KeycloakApps(Vertx vertx, CertificationConfig config) {
        this.web = WebClient.create(vertx);
        this.config = config.keycloak();
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /**
     * A confidential client for the authorization-code flow with PKCE (and the hybrid {@code code id_token}) and
     * client credentials; merchants consent on Keycloak's consent screen. No redirect URI until one is approved,
     * no API scope until subscribed; it carries integrator_id and environment as attributes and claims.
     */
    public Uni<CreatedClient> createClient(String clientId, String name, String integratorId, Environment environment) {
        JsonObject client = new JsonObject()
                .put("clientId", clientId)
                .put("name", name)
                .put("enabled", true)
                .put("protocol", "openid-connect")
                .put("publicClient", false)
                .put("clientAuthenticatorType", "client-secret")
                .put("consentRequired", true)
                .put("standardFlowEnabled", true)
                .put("implicitFlowEnabled", true)
                .put("directAccessGrantsEnabled", false)
                .put("serviceAccountsEnabled", true)
                .put("redirectUris", new JsonArray())
                .put("webOrigins", new JsonArray())
                .put("fullScopeAllowed", true)
                .put("attributes", new JsonObject()
                        .put("environment", environment.wire())
                        .put("integrator_id", integratorId)
                        .put("pkce.code.challenge.method", "S256"))
                .put("defaultClientScopes", new JsonArray(List.of("basic", "roles", "profile")))
                .put("optionalClientScopes", new JsonArray(List.of("offline_access")))
                .put("protocolMappers", new JsonArray()
                        .add(mapper("merchant_id", "oidc-usermodel-attribute-mapper", new JsonObject()
                                .put("user.attribute", "merchant_id").put("claim.name", "merchant_id")
                                .put("jsonType.label", "String").put("userinfo.token.claim", "true")))
                        .add(mapper("integrator_id", "oidc-hardcoded-claim-mapper", new JsonObject()
                                .put("claim.name", "integrator_id").put("claim.value", integratorId)
                                .put("jsonType.label", "String")))
                        .add(mapper("environment", "oidc-hardcoded-claim-mapper", new JsonObject()
                                .put("claim.name", "environment").put("claim.value", environment.wire())
                                .put("jsonType.label", "String")))
                        // Keycloak introspects a token for a client (the gateway's credential check) only in its audience
                        .add(mapper("audience " + clientId, "oidc-audience-mapper", new JsonObject()
                                .put("included.client.audience", clientId))));
        return admin(HttpMethod.POST, "/clients", client)
                .map(response -> {
                    expect(response, 201, "create client");
                    String location = response.getHeader("Location");
                    return location.substring(location.lastIndexOf('/') + 1);
                })
                .chain(keycloakId -> admin(HttpMethod.GET, "/clients/" + keycloakId + "/client-secret", null)
                        .map(response -> {
                            expect(response, 200, "read client secret");
                            return new CreatedClient(keycloakId, response.bodyAsJsonObject().getString("value"));
                        }));
    }

    /** Keycloak generates a new secret; the old one stops working at once (the gateway's cache aside). */
    public Uni<String> rotateSecret(String keycloakId) {
        return admin(HttpMethod.POST, "/clients/" + keycloakId + "/client-secret", null).map(response -> {
            expect(response, 200, "regenerate client secret");
            return response.bodyAsJsonObject().getString("value");
        });
    }

    public Uni<Void> addOptionalScope(String keycloakId, String scope) {
        return scopeId(scope).chain(id -> admin(HttpMethod.PUT, "/clients/" + keycloakId + "/optional-client-scopes/" + id, null))
                .map(response -> expect(response, 204, "add optional scope"));
    }

    public Uni<Void> removeOptionalScope(String keycloakId, String scope) {
        return scopeId(scope).chain(id -> admin(HttpMethod.DELETE, "/clients/" + keycloakId + "/optional-client-scopes/" + id, null))
                .map(response -> response.statusCode() == 404 ? null : expect(response, 204, "remove optional scope"));
    }

    /** The client's redirect URIs become exactly {@code uris} (the approved ones). */
    public Uni<Void> setRedirectUris(String keycloakId, List<String> uris) {
        return admin(HttpMethod.GET, "/clients/" + keycloakId, null)
                .chain(response -> {
                    expect(response, 200, "read client");
                    JsonObject client = response.bodyAsJsonObject().put("redirectUris", new JsonArray(uris));
                    return admin(HttpMethod.PUT, "/clients/" + keycloakId, client);
                })
                .map(response -> expect(response, 204, "update redirect URIs"));
    }

    public Uni<Void> deleteClient(String keycloakId) {
        return admin(HttpMethod.DELETE, "/clients/" + keycloakId, null)
                .map(response -> response.statusCode() == 404 ? null : expect(response, 204, "delete client"));
    }

    /**
     * An integrator's user, who logs in to the onboarding pages (client certification-portal maps its attribute
     * integrator_id into the tokens) with a temporary password that Keycloak makes them change at the first login.
     * Empty when the username or email is taken.
     */
    public Uni<Optional<String>> createIntegratorUser(String username, String email, String firstName, String lastName,
                                                                String integratorId, String temporaryPassword) {
        JsonObject user = new JsonObject()
                .put("username", username).put("email", email).put("firstName", firstName).put("lastName", lastName)
                .put("enabled", true).put("emailVerified", true)
                .put("attributes", new JsonObject().put("integrator_id", new JsonArray().add(integratorId)))
                .put("credentials", new JsonArray().add(new JsonObject()
                        .put("type", "password").put("value", temporaryPassword).put("temporary", true)));
        return admin(HttpMethod.POST, "/users", user).map(response -> {
            if (response.statusCode() == 409) {
                return Optional.<String>empty();
            }
            expect(response, 201, "create user");
            String location = response.getHeader("Location");
            return Optional.of(location.substring(location.lastIndexOf('/') + 1));
        });
    }

    /** The realm's users whose attribute integrator_id is this integrator (full representations). */
    public Uni<List<JsonObject>> integratorUsers(String integratorId) {
        String query = URLEncoder.encode("integrator_id:" + integratorId, StandardCharsets.UTF_8);
        return admin(HttpMethod.GET, "/users?briefRepresentation=false&exact=true&max=1000&q=" + query, null).map(response -> {
            expect(response, 200, "search users");
            JsonArray users = response.bodyAsJsonArray();
            List<JsonObject> own = new ArrayList<>();
            for (int i = 0; i < users.size(); i++) {
                if (belongsTo(users.getJsonObject(i), integratorId)) {
                    own.add(users.getJsonObject(i));
                }
            }
            return own;
        });
    }

    /** The user, if it is one of this integrator's (attribute integrator_id); empty for any other or unknown user. */
    public Uni<Optional<JsonObject>> integratorUser(String userId, String integratorId) {
        return admin(HttpMethod.GET, "/users/" + userId, null).map(response -> {
            if (response.statusCode() == 404) {
                return Optional.<JsonObject>empty();
            }
            expect(response, 200, "read user");
            JsonObject user = response.bodyAsJsonObject();
            return belongsTo(user, integratorId) ? Optional.of(user) : Optional.<JsonObject>empty();
        });
    }

    /**
     * Enables or disables the user (its whole representation written back, as Keycloak's user profile expects).
     * Disabling also ends the user's sessions: Keycloak then refuses its passwords and refresh tokens at once.
     */
    public Uni<Void> setUserEnabled(JsonObject user, boolean enabled) {
        String userId = user.getString("id");
        return admin(HttpMethod.PUT, "/users/" + userId, user.copy().put("enabled", enabled))
                .map(response -> expect(response, 204, "update user"))
                .chain(() -> enabled ? Uni.createFrom().voidItem()
                        : admin(HttpMethod.POST, "/users/" + userId + "/logout", null).map(response -> expect(response, 204, "log out user")));
    }

    public Uni<Void> deleteUser(String userId) {
        return admin(HttpMethod.DELETE, "/users/" + userId, null)
                .map(response -> response.statusCode() == 404 ? null : expect(response, 204, "delete user"));
    }

    private static boolean belongsTo(JsonObject user, String integratorId) {
        JsonObject attributes = user.getJsonObject("attributes");
        JsonArray values = attributes == null ? null : attributes.getJsonArray("integrator_id");
        return values != null && values.contains(integratorId);
    }

    /** The user's consents: {clientId, grantedClientScopes, createdDate, lastUpdatedDate, additionalGrants}. */
    public Uni<JsonArray> consents(String userId) {
        return admin(HttpMethod.GET, "/users/" + userId + "/consents", null).map(response -> {
            if (response.statusCode() == 404) {
                return new JsonArray();
            }
            expect(response, 200, "read consents");
            return response.bodyAsJsonArray();
        });
    }

    /**
     * Revokes the user's consent to the client: Keycloak also revokes its offline tokens and logs out the client's
     * sessions of that user, so refresh tokens stop working at once. False when there was nothing to revoke.
     */
    public Uni<Boolean> revokeConsent(String userId, String clientId) {
        return admin(HttpMethod.DELETE, "/users/" + userId + "/consents/" + clientId, null).map(response -> {
            if (response.statusCode() == 404) {
                return false;
            }
            expect(response, 204, "revoke consent");
            return true;
        });
    }

    private Uni<String> scopeId(String scope) {
        String known = scopeIds.get(scope);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return admin(HttpMethod.GET, "/client-scopes", null).map(response -> {
            expect(response, 200, "list client scopes");
            JsonArray scopes = response.bodyAsJsonArray();
            for (int i = 0; i < scopes.size(); i++) {
                scopeIds.put(scopes.getJsonObject(i).getString("name"), scopes.getJsonObject(i).getString("id"));
            }
            String id = scopeIds.get(scope);
            if (id == null) {
                throw unavailable("client scope " + scope + " is missing from realm " + config.realm());
            }
            return id;
        });
    }

    private static JsonObject mapper(String name, String type, JsonObject mapperConfig) {
        return new JsonObject().put("name", name).put("protocol", "openid-connect").put("protocolMapper", type)
                .put("config", mapperConfig.put("access.token.claim", "true").put("id.token.claim", "true")
                        .put("introspection.token.claim", "true"));
    }

    /** One admin call with a fresh admin token (onboarding acts are rare); transport failures are a 503. */
    private Uni<HttpResponse<Buffer>> admin(HttpMethod method, String path, JsonObject body) {
        return adminToken().chain(token -> {
                    HttpRequest<Buffer> request = web.requestAbs(method, config.url() + "/admin/realms/" + config.realm() + path)
                            .bearerTokenAuthentication(token)
                            .timeout(config.timeout().toMillis());
                    return body == null ? request.send() : request.sendJsonObject(body);
                })
                .onFailure(e -> !(e instanceof ApiException)).transform(e -> unavailable(e.toString()));
    }

    private Uni<String> adminToken() {
        return web.postAbs(config.url() + "/realms/" + config.adminRealm() + "/protocol/openid-connect/token")
                .timeout(config.timeout().toMillis())
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "password")
                        .add("client_id", config.adminClientId())
                        .add("username", config.adminUsername())
                        .add("password", config.adminPassword()))
                .map(response -> {
                    JsonObject token = response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
                    if (token == null || token.getString("access_token") == null) {
                        throw unavailable("admin login answered HTTP " + response.statusCode());
                    }
                    return token.getString("access_token");
                });
    }

    /** Anything but the expected status is Keycloak's fault here (our requests are validated before): a 503. */
    private static Void expect(HttpResponse<Buffer> response, int status, String what) {
        if (response.statusCode() != status) {
            throw unavailable(what + " answered HTTP " + response.statusCode());
        }
        return null;
    }

    private static ApiException unavailable(String why) {
        LOG.warnf("Keycloak admin API: %s", why);
        return new ApiException(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                "The identity provider is unavailable; retry later.");
    }
}
