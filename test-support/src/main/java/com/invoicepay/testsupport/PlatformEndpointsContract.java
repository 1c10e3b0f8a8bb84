package com.invoicepay.testsupport;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * What every service serves besides its API: readiness UP with its database, Kafka in its own
 * health group, the OpenAPI document, Swagger UI, Prometheus metrics, and the error body of its
 * API for an unknown path. A service's test class extends this with {@code @QuarkusTest}.
 */
public abstract class PlatformEndpointsContract {

    /** A path of this service's public API that the OpenAPI document must list. */
    protected abstract String documentedPath();

    @Test
    public void readinessIsUpWithTheDatabaseAndWithoutKafka() {
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("PostgreSQL")))
                .body("checks.name", not(hasItem("Kafka broker")));
    }

    @Test
    public void kafkaHasItsOwnHealthGroup() {
        given().when().get("/q/health/group/kafka").then()
                .statusCode(200)
                .body("checks.name", hasItem("Kafka broker"))
                .body("status", equalTo("UP"));
    }

    @Test
    public void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void openApiDocumentListsTheApi() {
        given().accept(ContentType.JSON).when().get("/q/openapi?format=json").then()
                .statusCode(200)
                .body("openapi", containsString("3."))
                .body("paths.keySet()", hasItem(documentedPath()));
    }

    @Test
    public void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    public void metricsArePrometheusText() {
        given().accept("text/plain").when().get("/q/metrics").then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    public void anUnknownPathIsA404WithTheErrorBodyAndCorrelationId() {
        given().header("CorrelationId", "trace-me-123").when().get("/api/v1/no-such-thing").then()
                .statusCode(404)
                .contentType(containsString("application/json"))
                .header("CorrelationId", "trace-me-123")
                .body(containsString("trace-me-123"))
                .body(not(containsString("Exception")));
    }

    @Test
    public void aBodyOverTheLimitIs413WithTheErrorBody() {
        byte[] body = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        given().contentType(ContentType.JSON).body(body).when().put("/sandbox/clock").then()
                .statusCode(413)
                .contentType(containsString("application/json"))
                .body(containsString("90048"));
    }
}
