package com.invoicepay.invoice;

import com.invoicepay.testsupport.Keycloak;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static com.invoicepay.testsupport.LocalStack.OPS_ADMIN;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tests move time through the sandbox clock instead of sleeping; only an admin may move it. */
@QuarkusTest
class SandboxClockTest {

    @AfterEach
    void resetClock() {
        given().auth().oauth2(Keycloak.userToken(INTEGRATOR_APP, OPS_ADMIN, "openid")).contentType(ContentType.JSON)
                .body("{\"offset\":\"PT0S\"}").when().put("/sandbox/clock").then().statusCode(200);
    }

    @Test
    void anAdminMovesTheClockForward() {
        String admin = Keycloak.userToken(INTEGRATOR_APP, OPS_ADMIN, "openid");
        Instant moved = Instant.parse(given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"offset\":\"P2D\"}").when().put("/sandbox/clock").then()
                .statusCode(200).extract().path("now"));
        Duration ahead = Duration.between(Instant.now(), moved);
        assertTrue(ahead.compareTo(Duration.ofHours(47)) > 0 && ahead.compareTo(Duration.ofHours(49)) < 0, ahead.toString());
        Instant read = Instant.parse(given().when().get("/sandbox/clock").then().statusCode(200).extract().path("now"));
        assertTrue(read.isAfter(Instant.now().plus(Duration.ofHours(47))), read.toString());
    }

    @Test
    void aMerchantCannotMoveTheClock() {
        String merchant = Keycloak.userToken(INTEGRATOR_APP, MERCHANT_1, "openid invoice");
        given().auth().oauth2(merchant).contentType(ContentType.JSON).body("{\"offset\":\"P2D\"}")
                .when().put("/sandbox/clock").then().statusCode(403);
        given().contentType(ContentType.JSON).body("{\"offset\":\"P2D\"}")
                .when().put("/sandbox/clock").then().statusCode(401);
    }

    @Test
    void aMalformedOffsetIs400WithTheErrorBody() {
        String admin = Keycloak.userToken(INTEGRATOR_APP, OPS_ADMIN, "openid");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"offset\":\"two days\"}")
                .when().put("/sandbox/clock").then().statusCode(400)
                .body("error_code", org.hamcrest.Matchers.equalTo("90040"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"offset\":")
                .when().put("/sandbox/clock").then().statusCode(400)
                .body("error_code", org.hamcrest.Matchers.equalTo("90040"));
    }

    @Test
    void anOffsetBeyondTenYearsIs400AndLeavesTheClockWhereItWas() {
        String admin = Keycloak.userToken(INTEGRATOR_APP, OPS_ADMIN, "openid");
        for (String offset : new String[]{"P100000000000D", "P3654D", "-P3654D"}) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"offset\":\"" + offset + "\"}")
                    .when().put("/sandbox/clock").then().statusCode(400)
                    .body("error_code", org.hamcrest.Matchers.equalTo("90040"))
                    .body("error_description", org.hamcrest.Matchers.containsString("10 years"));
        }
        given().auth().oauth2(admin).when().get("/sandbox/clock").then().statusCode(200)
                .body("offset", org.hamcrest.Matchers.equalTo(0.0f)); // seconds: unchanged
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"offset\":\"-P3653D\"}")
                .when().put("/sandbox/clock").then().statusCode(200);
    }
}
