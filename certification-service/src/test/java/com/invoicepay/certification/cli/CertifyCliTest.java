package com.invoicepay.certification.cli;

import com.invoicepay.certification.fixture.Runs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.invoicepay.certification.fixture.Runs.call;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command-line client (cli/certify.py) against this service: it identifies, selects, waits for
 * the verdicts of the traffic the "client" makes (published here as invoice-service would), writes
 * the JUnit XML report and approves; its exit status says whether the version was certified.
 */
@QuarkusTest
class CertifyCliTest {
    static Runs runs;

    @TestHTTPResource("/")
    URL service;

    @BeforeAll
    static void setUp() {
        runs = new Runs(ConfigProvider.getConfig().getOptionalValue("invoicepay.topic-prefix", String.class).orElse(""));
    }

    @AfterAll
    static void tearDown() {
        runs.close();
    }

    /** The CLI as a CI job starts it; its output is collected line by line while it runs. */
    record Cli(Process process, Thread reader, List<String> output) {
        /** The run's cases are printed once the selection is made: traffic from then on is judged. */
        boolean selected() {
            return output.stream().anyMatch(l -> l.startsWith("case onboarding-refreshed-token:"));
        }

        String runId() {
            return output.stream().filter(l -> l.startsWith("run ")).findFirst().map(l -> l.substring(4)).orElse(null);
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the CLI ended");
            reader.join(5_000); // its last lines
            return process.exitValue();
        }
    }

    Cli start(String system, String version, String features, int timeoutSeconds, Path junit) throws Exception {
        Process process = new ProcessBuilder("python3", "cli/certify.py", "--url", service.toString(),
                "--integrator", "integrator-1", "--client-id", "integrator-app", "--client-secret", "integrator-app-secret",
                "--production-client", "integrator-app-prod", "--system", system, "--version", version,
                "--features", features, "--timeout", Integer.toString(timeoutSeconds), "--junit", junit.toString())
                .redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                .lines().forEach(output::add));
        reader.setDaemon(true);
        reader.start();
        return new Cli(process, reader, output);
    }

    @Test
    void aClientThatDoesWhatTheCasesSayIsCertifiedAndTheCliExitsZero() throws Exception {
        String system = Runs.uniqueName();
        Path junit = Files.createTempFile("certification", ".xml");
        Cli cli = start(system, Runs.VERSION, "", 60, junit);
        await().atMost(Duration.ofSeconds(30)).until(cli::selected);

        Instant iat = Instant.now().minusSeconds(400);
        runs.send("api-activity",
                call(system, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-cli", iat, Map.of()),
                call(system, Instant.now(), "GET", "/api/v1/merchants/{merchantId}/invoiceissuers", 200, null, "sid-cli", iat, Map.of()),
                call(system, Instant.now(), "GET", "/api/v1/merchants/me", 200, null, "sid-cli", iat.plusSeconds(300), Map.of()));

        assertEquals(0, cli.exit(), String.join("\n", cli.output()));
        assertTrue(cli.output().stream().anyMatch(l -> l.startsWith("CERTIFIED: certificate ") && l.contains(system + " 3.1.x")),
                String.join("\n", cli.output()));
        assertEquals("APPROVED", runs.run(cli.runId()).getString("status"));
        String report = Files.readString(junit);
        assertTrue(report.contains("name=\"result\" value=\"CERTIFIED\""), report);
        assertTrue(report.contains("onboarding-refreshed-token"), report);
    }

    @Test
    void aFailedCaseEndsTheWaitAndTheCliExitsOneNamingTheCase() throws Exception {
        String system = Runs.uniqueName();
        Path junit = Files.createTempFile("certification", ".xml");
        Cli cli = start(system, Runs.VERSION, "InvoiceDirect", 60, junit);
        await().atMost(Duration.ofSeconds(30)).until(cli::selected);

        runs.send("api-activity", call(system, Instant.now(), "POST", "/api/v1/merchants/{merchantId}/invoices", 200, null,
                null, null, Map.of("totalAmount", "0.01", "paymentReference", "WRONG", "invoiceNumber", "WRONG")));

        assertEquals(1, cli.exit(), String.join("\n", cli.output()));
        assertTrue(cli.output().stream().anyMatch(l -> l.startsWith("FAILED   invoicedirect-create:") && l.contains("totalAmount was '0.01'")),
                String.join("\n", cli.output()));
        assertTrue(cli.output().contains("NOT CERTIFIED: a case did not pass"), String.join("\n", cli.output()));
        assertTrue(Files.readString(junit).contains("<failure"), "the JUnit report lists the failure");
    }

    @Test
    void noVerdictWithinTheTimeoutExitsTwoAndARefusedStepExitsThree() throws Exception {
        Cli waiting = start(Runs.uniqueName(), Runs.VERSION, "", 2, Files.createTempFile("certification", ".xml"));
        assertEquals(2, waiting.exit(), String.join("\n", waiting.output()));
        assertTrue(waiting.output().stream().anyMatch(l -> l.startsWith("NOT CERTIFIED: no verdict within 2 s for onboarding-merchant-read")),
                String.join("\n", waiting.output()));

        Cli refused = start(Runs.uniqueName(), "3.1", "", 2, Files.createTempFile("certification", ".xml"));
        assertEquals(3, refused.exit(), String.join("\n", refused.output()));
        assertTrue(refused.output().stream().anyMatch(l -> l.contains("12002") && l.contains("clientVersion '3.1'")),
                String.join("\n", refused.output()));
    }
}
