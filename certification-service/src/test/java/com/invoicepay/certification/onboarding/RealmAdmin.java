package com.invoicepay.certification.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.LocalStack;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * What tests check or set up behind the Onboarding API's back, as the master realm's admin in realm payments: users
 * (cleanup, a known password, existence) and clients (which exist).
 */
final class RealmAdmin {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Deletes a user a test created; one already gone is fine. */
    static void deleteUser(String userId) throws Exception {
        int status = send("DELETE", "/users/" + userId, null).statusCode();
        if (status != 204 && status != 404) {
            throw new IllegalStateException("could not delete test user " + userId + ": HTTP " + status);
        }
    }

    static boolean userExists(String userId) throws Exception {
        return send("GET", "/users/" + userId, null).statusCode() == 200;
    }

    /** Replaces the user's temporary password by a permanent one, as the user does at the first login. */
    static void setPassword(String userId, String password) throws Exception {
        HttpResponse<String> reset = send("PUT", "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
        if (reset.statusCode() != 204) {
            throw new IllegalStateException("could not set the password of " + userId + ": HTTP " + reset.statusCode() + " " + reset.body());
        }
    }

    /** The client ids of the realm that start with {@code prefix}. */
    static List<String> clientIdsStartingWith(String prefix) throws Exception {
        HttpResponse<String> found = send("GET", "/clients?search=true&clientId=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8), null);
        List<String> clientIds = new ArrayList<>();
        for (JsonNode client : JSON.readTree(found.body())) {
            if (client.path("clientId").asText().startsWith(prefix)) {
                clientIds.add(client.path("clientId").asText());
            }
        }
        return clientIds;
    }

    private static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        String token = given().formParams(Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", LocalStack.KEYCLOAK_ADMIN, "password", LocalStack.KEYCLOAK_ADMIN_PASSWORD))
                .when().post(LocalStack.KEYCLOAK + "/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(LocalStack.KEYCLOAK + "/admin/realms/" + LocalStack.REALM + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private RealmAdmin() {
    }
}
