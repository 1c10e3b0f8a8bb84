package com.invoicepay.systemtests;

import com.invoicepay.testsupport.Browser;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The onboarding pages' cookies outlive the process that set them when every process has the same
 * certification.portal.session-secret (issue #9), as replicas behind one host must: a login begun on one
 * certification-service process (its state cookie holds the PKCE verifier) is completed by another started with the
 * same secret, whose session cookie then opens the administrators' page, while a process with another secret (the
 * stack's) refuses the same cookie (an API client gets 401, a browser has it deleted and logs in again); a secret too
 * short is refused at start. The processes are the test's own (port 8094, the second-replica port of DESIGN.md) on a
 * private PostgreSQL, with consumer groups of their own; Keycloak is the stack's.
 */
class PortalSessionTest {
    static final int PG_PORT = 25436; // below the ephemeral range (32768-60999): no client socket can hold it
    static final int PORT = 8094;
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final String STACK = CertificationDriver.CERTIFICATION_SERVICE;
    /** The stack's build; {@code -Dcertification-service.jar=…} runs another (e.g. a copy of certification-service/target/quarkus-app). */
    static final Path APP = Path.of(System.getProperty("certification-service.jar",
            Path.of("..", "deploy", "local", ".run", "apps", "certification-service", "quarkus-run.jar").toString()));
    static final String SECRET = "portal-session-test-" + UUID.randomUUID();

    PrivatePostgres postgres;
    Process instance;

    @AfterEach
    void stop() throws Exception {
        ServiceInstance.stop(instance);
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void anotherProcessWithTheSameSecretCompletesTheLoginAndKeepsTheSession() throws Exception {
        postgres = PrivatePostgres.create(PG_PORT);
        postgres.createDatabase("certification_service", "certification_service", "certification_service");
        // a secret too short to encrypt with is refused at start, naming the setting
        File refused = new File("target/portal-session-short.log");
        assertThrows(AssertionError.class, () -> start("short secret", "too-short", refused));
        assertTrue(Files.readString(refused.toPath()).contains("certification.portal.session-secret must be at least 32 characters"),
                "the log names the setting: " + refused);
        instance = start("first");

        // the administrator opens the page on the first process and logs in on Keycloak's form
        Browser browser = new Browser();
        HttpResponse<String> toLogin = browser.get(BASE + "/onboarding/admin");
        assertEquals(302, toLogin.statusCode(), toLogin.body());
        HttpResponse<String> loginPage = browser.get(location(toLogin));
        assertTrue(loginPage.body().contains("kc-form-login"), "Keycloak's login form");
        HttpResponse<String> back = browser.submit(LocalStack.KEYCLOAK, loginPage.body(), Map.of("username", LocalStack.OPS_ADMIN.username(),
                "password", LocalStack.OPS_ADMIN.password(), "credentialId", ""));
        assertEquals(302, back.statusCode(), back.body());
        String callback = location(back);
        assertTrue(callback.startsWith(BASE + "/onboarding/admin"), callback);

        // the first process is gone; another with the same secret reads the state cookie and completes the login
        ServiceInstance.stop(instance);
        instance = start("second");
        HttpResponse<String> page = browser.get(callback);
        for (int hop = 0; hop < 3 && page.statusCode() == 302 && location(page).startsWith(BASE); hop++) {
            page = browser.get(location(page));
        }
        assertEquals(200, page.statusCode(), "the login completed: " + page.headers().map() + " " + page.body());
        assertTrue(page.body().contains("<h1>Onboarding administration</h1>"), page.body());

        // the session cookie alone opens the page here; a process with another secret refuses it
        String session = browser.cookies().entrySet().stream().filter(c -> c.getKey().startsWith("q_session"))
                .map(c -> c.getKey() + "=" + c.getValue()).collect(Collectors.joining("; "));
        assertFalse(session.isEmpty(), "a session cookie: " + browser.cookies().keySet());
        HttpResponse<String> sameSecret = withCookie(BASE + "/onboarding/admin", session);
        assertEquals(200, sameSecret.statusCode(), sameSecret.body());
        assertTrue(sameSecret.body().contains("<h1>Onboarding administration</h1>"));
        HttpResponse<String> otherSecret = withCookie(STACK + "/onboarding/admin", session);
        assertEquals(401, otherSecret.statusCode(), otherSecret.body());
        assertFalse(otherSecret.body().contains("Onboarding administration"), otherSecret.body());
        // a browser there is not stuck with it: the cookie is deleted and the page asked for again, which starts a login
        HttpResponse<String> browserThere = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(STACK + "/onboarding/admin")).header("Cookie", session)
                        .header("Accept", "text/html").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, browserThere.statusCode(), browserThere.body());
        assertTrue(location(browserThere).endsWith("/onboarding/admin"), location(browserThere));
        // (the session cookie may come in chunks, q_session_portal_chunk_1, …: each is deleted)
        List<String> deleted = browserThere.headers().allValues("Set-Cookie").stream().filter(c -> c.contains("Max-Age=0"))
                .map(c -> c.substring(0, c.indexOf('='))).toList();
        assertEquals(java.util.Arrays.stream(session.split("; ")).map(c -> c.substring(0, c.indexOf('='))).collect(Collectors.toSet()),
                java.util.Set.copyOf(deleted), "the session cookie is deleted: " + browserThere.headers().map());
    }

    static Process start(String which) throws Exception {
        return start(which, SECRET, new File("target/portal-session-" + which + ".log"));
    }

    static Process start(String which, String secret, File log) throws Exception {
        String group = "portal-session-test";
        return ServiceInstance.start("certification-service (" + which + ")", APP, PORT, List.of(
                "-Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:" + PG_PORT + "/certification_service",
                "-Dquarkus.datasource.jdbc.url=" + "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/certification_service",
                "-Dinvoicepay.topic-prefix=test-",
                // groups of its own: joining the stack's groups would move the stack's partitions
                "-Dmp.messaging.incoming.api-activity-in.group.id=" + group,
                "-Dmp.messaging.incoming.invoice-events-in.group.id=" + group,
                "-Dmp.messaging.incoming.callback-events-in.group.id=" + group,
                "-Dcertification.portal.session-secret=" + secret), log);
    }

    static HttpResponse<String> withCookie(String url, String cookie) throws Exception {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static String location(HttpResponse<String> response) {
        String location = response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no Location: " + response.headers().map()));
        return location.startsWith("/") ? BASE + location : location;
    }
}
