package com.invoicepay.certification.onboarding;

import com.invoicepay.testsupport.LocalStack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.restassured.RestAssured.given;

/** Deletes users a test created in realm payments, as the master realm's admin (the Onboarding API deletes none). */
final class KeycloakUsers {
    static void delete(String userId) throws Exception {
        String token = given().formParams(java.util.Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", LocalStack.KEYCLOAK_ADMIN, "password", LocalStack.KEYCLOAK_ADMIN_PASSWORD))
                .when().post(LocalStack.KEYCLOAK + "/realms/master/protocol/openid-connect/token").then().statusCode(200)
                .extract().path("access_token");
        HttpResponse<String> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(LocalStack.KEYCLOAK + "/admin/realms/" + LocalStack.REALM + "/users/" + userId))
                .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (deleted.statusCode() != 204) {
            throw new IllegalStateException("could not delete test user " + userId + ": HTTP " + deleted.statusCode());
        }
    }

    private KeycloakUsers() {
    }
}
