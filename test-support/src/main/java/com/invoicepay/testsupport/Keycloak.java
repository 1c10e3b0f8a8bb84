package com.invoicepay.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Real tokens and admin operations against the local Keycloak; tests never fake a token. */
public final class Keycloak {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A user's access token through the password grant of {@code app}, with the given scopes. */
    public static String userToken(LocalStack.App app, LocalStack.User user, String scope) {
        return token(Map.of("grant_type", "password", "client_id", app.clientId(), "client_secret", app.secret(),
                "username", user.username(), "password", user.password(), "scope", scope)).get("access_token").asText();
    }

    public static JsonNode token(Map<String, String> form) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(LocalStack.TOKEN_URL))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token: HTTP " + response.statusCode() + " " + response.body());
        }
        return read(response.body());
    }

    /** Admin REST API of realm payments, authenticated as the master realm's admin. */
    public static final class Admin {
        private final String token;

        public Admin() {
            String url = LocalStack.KEYCLOAK + "/realms/master/protocol/openid-connect/token";
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "password",
                            "client_id", "admin-cli", "username", LocalStack.KEYCLOAK_ADMIN,
                            "password", LocalStack.KEYCLOAK_ADMIN_PASSWORD)))).build());
            this.token = read(response.body()).get("access_token").asText();
        }

        /** Creates {@code newClientId} as a copy of an existing client (mappers and scopes included); returns its internal id. */
        public String copyClient(String templateClientId, String newClientId, String secret) {
            ObjectNode rep = (ObjectNode) client(templateClientId);
            rep.remove("id");
            rep.put("clientId", newClientId);
            rep.put("secret", secret);
            rep.withArray("protocolMappers").forEach(m -> {
                ((ObjectNode) m).remove("id");
                // Keycloak introspects a token for a client only when that client is in its audience
                if ("oidc-audience-mapper".equals(m.path("protocolMapper").asText())) {
                    ((ObjectNode) m.get("config")).put("included.client.audience", newClientId);
                }
            });
            HttpResponse<String> created = send(request("/clients").POST(HttpRequest.BodyPublishers.ofString(rep.toString())).build());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("cannot create client: HTTP " + created.statusCode() + " " + created.body());
            }
            return client(newClientId).get("id").asText();
        }

        /** Keycloak generates a new secret for the client; returns it. */
        public String regenerateSecret(String internalId) {
            HttpResponse<String> response = send(request("/clients/" + internalId + "/client-secret")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            return read(response.body()).get("value").asText();
        }

        public void deleteClient(String internalId) {
            send(request("/clients/" + internalId).DELETE().build());
        }

        private JsonNode client(String clientId) {
            HttpResponse<String> response = send(request("/clients?clientId=" + clientId).GET().build());
            JsonNode list = read(response.body());
            if (!list.isArray() || list.isEmpty()) {
                throw new IllegalStateException("no client " + clientId + " in realm " + LocalStack.REALM);
            }
            return list.get(0);
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(LocalStack.KEYCLOAK + "/admin/realms/" + LocalStack.REALM + path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json");
        }
    }

    private static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak unreachable at " + request.uri()
                    + "; is the local stack up (deploy/local/infra)?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    private Keycloak() {
    }
}
