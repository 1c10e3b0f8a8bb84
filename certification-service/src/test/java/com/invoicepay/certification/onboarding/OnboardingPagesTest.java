package com.invoicepay.certification.onboarding;

import com.invoicepay.testsupport.HeadlessChromium;
import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_2;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two onboarding pages in a real headless Chromium, logged in through Keycloak's own forms: the administrator
 * sees the new integrator, its pending redirect URI and the audit log; the integrator's user (created with a temporary
 * password, changed at the first login) sees its app, subscription and the URI's approval status.
 */
@QuarkusTest
class OnboardingPagesTest {
    static final String API = "/api/v1/onboarding";

    @Test
    void aBrowsersUnreadableSessionCookieIsDeletedAndTheLoginStartsAgain() {
        // what a browser keeps after a sandbox restart or under another replica's secret: no longer decryptable
        String stale = "q_session_portal=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.stale.session.cookie";
        var again = given().redirects().follow(false).header("Cookie", stale).accept("text/html,application/xhtml+xml")
                .when().get("/onboarding/admin?tab=apps").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.endsWith("/onboarding/admin?tab=apps")).extract();
        String deleted = again.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("q_session_portal="))
                .findFirst().orElseThrow(() -> new AssertionError("the session cookie is deleted: " + again.headers()));
        assertTrue(deleted.contains("Max-Age=0") && deleted.startsWith("q_session_portal=;"), deleted);
        // without it, the same page leads to Keycloak's login
        given().redirects().follow(false).accept("text/html").when().get("/onboarding/admin?tab=apps").then().statusCode(302)
                .header("Location", org.hamcrest.Matchers.containsString("/protocol/openid-connect/auth"));
        // a client that does not ask for a page keeps the API's 401 with its error body
        given().redirects().follow(false).header("Cookie", stale).when().get("/onboarding/admin").then().statusCode(401)
                .body("error_code", equalTo("90001"));
    }

    @Test
    void anAdministratorAndAnIntegratorsUserSeeTheirPagesAfterLoggingInThroughKeycloak() throws Exception {
        String adminToken = Keycloak.userToken(INTEGRATOR_APP_2, LocalStack.OPS_ADMIN, "openid");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String integratorId = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", "Pages Test " + suffix))
                .when().post(API + "/integrators").then().statusCode(201).extract().path("integratorId");
        var app = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("name", "Web Shop"))
                .when().post(API + "/integrators/" + integratorId + "/apps").then().statusCode(201).extract();
        String appId = app.path("id");
        String clientId = app.path("clientId");
        String pendingUri = "https://shop-" + suffix + ".example.com/callback";
        given().auth().oauth2(adminToken).when().put(API + "/apps/" + appId + "/subscriptions/invoice").then().statusCode(200);
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("uri", pendingUri))
                .when().post(API + "/apps/" + appId + "/redirect-uris").then().statusCode(201);
        String username = "pages-" + suffix;
        var user = given().auth().oauth2(adminToken).contentType(ContentType.JSON).body(Map.of("username", username,
                        "email", username + "@example.com", "firstName", "Page", "lastName", "Tester"))
                .when().post(API + "/integrators/" + integratorId + "/users").then().statusCode(201)
                .body("integratorId", equalTo(integratorId)).extract();
        String userId = user.path("userId");
        try {
            String base = "http://127.0.0.1:" + RestAssured.port;
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                browser.logInThroughKeycloak(base + "/onboarding/admin", LocalStack.OPS_ADMIN.username(), LocalStack.OPS_ADMIN.password());
                browser.waitUntil("document.getElementById('pending') !== null", Duration.ofSeconds(20));
                String pending = browser.evaluate("document.getElementById('pending').innerText");
                assertTrue(pending.contains(pendingUri) && pending.contains(clientId), pending);
                assertTrue(browser.evaluate("document.getElementById('integrators').innerText").contains(integratorId));
                String audit = browser.evaluate("document.getElementById('audit').innerText");
                assertTrue(audit.contains("INTEGRATOR_USER_CREATED") && audit.contains("username=" + username), audit);
            }
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                browser.logInThroughKeycloak(base + "/onboarding/integrator", username, user.path("temporaryPassword"));
                // the temporary password must be replaced at the first login
                browser.waitUntil("document.getElementById('password-new') !== null", Duration.ofSeconds(20));
                String newPassword = "Pages-" + UUID.randomUUID();
                browser.evaluate("document.getElementById('password-new').value = '" + newPassword + "'; "
                        + "document.getElementById('password-confirm').value = '" + newPassword + "'; "
                        + "document.getElementById('password-new').form.submit(); true");
                browser.waitUntil("document.getElementById('apps') !== null", Duration.ofSeconds(20));
                assertEquals(integratorId, browser.evaluate("document.getElementById('integrator-id').textContent"));
                String apps = browser.evaluate("document.querySelector('[data-client-id=\"" + clientId + "\"]').innerText");
                assertTrue(apps.contains("Web Shop") && apps.contains("invoice") && apps.contains(pendingUri) && apps.contains("PENDING"), apps);
                assertTrue(browser.evaluate("document.getElementById('certificates').innerText").contains("No certificate yet"));
            }
        } finally {
            given().auth().oauth2(adminToken).when().delete(API + "/apps/" + appId).then().statusCode(204);
            RealmAdmin.deleteUser(userId);
        }
    }
}
