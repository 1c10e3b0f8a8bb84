package com.invoicepay.certification.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.certification.fixture.Runs;
import com.invoicepay.common.events.EventEnvelope;
import com.invoicepay.common.events.EventJson;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static com.invoicepay.certification.fixture.Runs.RUNS;
import static com.invoicepay.certification.fixture.Runs.call;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live progress of a run as server-sent events: cases listed, each observed record, each verdict, the end of the run. */
@QuarkusTest
class RunProgressTest {
    static Runs runs;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void setUp() {
        runs = new Runs(ConfigProvider.getConfig().getOptionalValue("invoicepay.topic-prefix", String.class).orElse(""));
    }

    @AfterAll
    static void tearDown() {
        runs.close();
    }

    @Test
    void aSubscriberSeesTheCasesThenEachObservedCallThenTheVerdictsAndTheStreamEndsWithTheRun() throws Exception {
        String name = Runs.uniqueName();
        String id = runs.selected(name, Runs.VERSION, List.of()).getString("id");
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + RUNS.substring(1) + "/" + id + "/progress"))
                .header("Authorization", "Bearer " + runs.token).header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Void> reading = response.thenAccept(r -> r.body().filter(l -> l.startsWith("data:"))
                .forEach(l -> received.add(json(l.substring(5).trim()))));
        await().atMost(Duration.ofSeconds(10)).until(() -> count(received, "case") == 2);
        assertEquals("SELECTED", received.get(0).path("runStatus").asText());
        assertEquals("run", received.get(0).path("type").asText());

        EventEnvelope me = call(name, "GET", "/api/v1/merchants/me", 200, null);
        runs.send("api-activity", me, call(name, "GET", "/api/v1/merchants/{merchantId}/invoiceissuers", 200, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(e -> "judged".equals(e.path("type").asText())));
        JsonNode observed = received.stream().filter(e -> "observed".equals(e.path("type").asText())
                && me.eventId().toString().equals(e.path("evidence").path("eventId").asText())).findFirst().orElseThrow();
        assertEquals("onboarding-merchant-read", observed.path("caseId").asText());
        assertEquals(me.correlationId(), observed.path("evidence").path("correlationId").asText());
        JsonNode judged = received.stream().filter(e -> "judged".equals(e.path("type").asText())).findFirst().orElseThrow();
        assertEquals("onboarding-merchant-read", judged.path("caseId").asText());
        assertEquals("PASSED", judged.path("status").asText());
        assertTrue(received.indexOf(observed) < received.indexOf(judged), "observed before judged");

        given().auth().oauth2(runs.token).post(RUNS + "/" + id + "/cancellation").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(reading::isDone);
        JsonNode last = received.get(received.size() - 1);
        assertTrue(received.stream().anyMatch(e -> "run".equals(e.path("type").asText()) && "CANCELLED".equals(e.path("runStatus").asText())));
        assertTrue(received.stream().anyMatch(e -> "judged".equals(e.path("type").asText()) && "SKIPPED".equals(e.path("status").asText())
                && "onboarding-refreshed-token".equals(e.path("caseId").asText())), received.toString());
        assertEquals("CANCELLED", last.path("runStatus").asText());
    }

    @Test
    void anotherIntegratorsTokenGetsNoStream() {
        String id = runs.selected(Runs.uniqueName(), Runs.VERSION, List.of()).getString("id");
        String other = com.invoicepay.testsupport.Keycloak.token(Map.of("grant_type", "client_credentials", "client_id", "integrator-app-2",
                "client_secret", "integrator-app-2-secret")).get("access_token").asText();
        given().auth().oauth2(other).accept("text/event-stream").get(RUNS + "/" + id + "/progress").then().statusCode(403)
                .body("error_code", org.hamcrest.Matchers.equalTo("12043"));
    }

    static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asText())).count();
    }

    static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
