package com.invoicepay.certification.client;

import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * The registry of integrators' apps is Keycloak itself: a client's environment is its attribute
 * {@code environment} and its integrator the value of its hardcoded {@code integrator_id} claim mapper,
 * read through the admin REST API as the master realm's admin (certification.keycloak.*).
 * Identification is rare, so the admin token is fetched per lookup rather than cached.
 */
@ApplicationScoped
public class KeycloakClientRegistry {
    private static final Logger LOG = Logger.getLogger(KeycloakClientRegistry.class);

    /** What certification needs to know of a client. */
    public record RegisteredClient(String clientId, String environment, String integratorId) {
    }

    private final WebClient web;
    private final CertificationConfig.Keycloak config;

    public KeycloakClientRegistry(Vertx vertx, CertificationConfig config) {
        this.web = WebClient.create(vertx);
        this.config = config.keycloak();
    }

    @PreDestroy
    void close() {
        web.close();
    }

    public Uni<Optional<RegisteredClient>> find(String clientId) {
        return adminToken().chain(token -> web.getAbs(config.url() + "/admin/realms/" + config.realm() + "/clients")
                        .addQueryParam("clientId", clientId)
                        .bearerTokenAuthentication(token)
                        .timeout(config.timeout().toMillis())
                        .send())
                .onFailure(e -> !(e instanceof ApiException)).transform(KeycloakClientRegistry::unavailable)
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw unavailable(new IllegalStateException("admin API answered HTTP " + response.statusCode()));
                    }
                    JsonArray clients = response.bodyAsJsonArray();
                    for (int i = 0; i < clients.size(); i++) {
                        JsonObject client = clients.getJsonObject(i);
                        if (clientId.equals(client.getString("clientId"))) { // the query matches by substring
                            return Optional.of(describe(client));
                        }
                    }
                    return Optional.empty();
                });
    }

    static RegisteredClient describe(JsonObject client) {
        JsonObject attributes = client.getJsonObject("attributes", new JsonObject());
        String environment = attributes.getString("environment");
        String integrator = null;
        JsonArray mappers = client.getJsonArray("protocolMappers", new JsonArray());
        for (int i = 0; i < mappers.size(); i++) {
            JsonObject mapper = mappers.getJsonObject(i);
            JsonObject mapperConfig = mapper.getJsonObject("config", new JsonObject());
            if ("oidc-hardcoded-claim-mapper".equals(mapper.getString("protocolMapper"))) {
                if ("integrator_id".equals(mapperConfig.getString("claim.name"))) {
                    integrator = mapperConfig.getString("claim.value");
                } else if (environment == null && "environment".equals(mapperConfig.getString("claim.name"))) {
                    environment = mapperConfig.getString("claim.value");
                }
            }
        }
        return new RegisteredClient(client.getString("clientId"), environment, integrator);
    }

    private Uni<String> adminToken() {
        return web.postAbs(config.url() + "/realms/" + config.adminRealm() + "/protocol/openid-connect/token")
                .timeout(config.timeout().toMillis())
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "password")
                        .add("client_id", config.adminClientId())
                        .add("username", config.adminUsername())
                        .add("password", config.adminPassword()))
                .map(KeycloakClientRegistry::accessToken);
    }

    private static String accessToken(HttpResponse<?> response) {
        JsonObject body = response.statusCode() == 200 ? response.bodyAsJsonObject() : null;
        if (body == null || body.getString("access_token") == null) {
            throw unavailable(new IllegalStateException("admin login answered HTTP " + response.statusCode()));
        }
        return body.getString("access_token");
    }

    private static ApiException unavailable(Throwable cause) {
        LOG.warnf("Keycloak admin API unavailable: %s", cause.toString());
        return new ApiException(503, ErrorKind.ServerError, PlatformErrors.DEPENDENCY_UNAVAILABLE,
                "The identity provider is unavailable; retry later.");
    }
}
