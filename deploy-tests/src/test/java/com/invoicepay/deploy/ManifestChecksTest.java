package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every check catches what it is for: each test breaks one thing in a copy of the rendered prod
 * overlay and expects exactly that problem.
 */
class ManifestChecksTest {

    private static final Map<String, ServiceConfig> SERVICES = OverlaysTest.services();

    private static Rendered prod() {
        return Rendered.parse(Kustomize.overlay("prod").text());
    }

    private static Container container(Rendered rendered, String deployment) {
        return rendered.ofKind(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals(deployment))
                .findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The YAML without the document of this kind and name. */
    private static String without(String yaml, String kind, String name) {
        String kept = Arrays.stream(yaml.split("(?m)^---\n"))
                .filter(doc -> !(doc.contains("kind: " + kind + "\n") && doc.contains("\n  name: " + name + "\n")))
                .collect(Collectors.joining("---\n"));
        assertTrue(kept.length() < yaml.length(), "fixture: no " + kind + " " + name + " to remove");
        return kept;
    }

    private static void assertOneProblem(List<String> problems, String expected) {
        assertEquals(1, problems.size(), () -> "problems: " + problems);
        assertTrue(problems.get(0).contains(expected), () -> problems.get(0) + " should mention " + expected);
    }

    @Test
    void aReadinessProbeOnAnotherPathIsCaught() {
        Rendered rendered = prod();
        container(rendered, "report-service").getReadinessProbe().getHttpGet().setPath("/q/health");
        assertOneProblem(ManifestChecks.deployments(rendered, SERVICES), "report-service: readiness probe on /q/health");
    }

    @Test
    void aMissingLivenessProbeIsCaught() {
        Rendered rendered = prod();
        container(rendered, "callback-service").setLivenessProbe(null);
        assertOneProblem(ManifestChecks.deployments(rendered, SERVICES), "callback-service: no HTTP liveness probe");
    }

    @Test
    void aProbeOnAPortTheServiceDoesNotListenOnIsCaught() {
        Rendered rendered = prod();
        container(rendered, "invoice-service").getLivenessProbe().getHttpGet().setPort(new IntOrString(8082));
        assertOneProblem(ManifestChecks.deployments(rendered, SERVICES), "the service listens on 8081");
    }

    @Test
    void aMissingMemoryLimitIsCaught() {
        Rendered rendered = prod();
        container(rendered, "certification-service").getResources().getLimits().remove("memory");
        assertOneProblem(ManifestChecks.deployments(rendered, SERVICES), "certification-service: no memory in resources.limits");
    }

    @Test
    void anotherServicesImageOrTheLatestTagIsCaught() {
        Rendered rendered = prod();
        container(rendered, "report-service").setImage("registry.example.com/invoicepay/invoice-service:0.1.0");
        container(rendered, "invoice-service").setImage("registry.example.com/invoicepay/invoice-service:latest");
        assertEquals(2, ManifestChecks.deployments(rendered, SERVICES).size());
    }

    @Test
    void podsKafkaWouldRefuseAreCaught() {
        Rendered rendered = prod();
        rendered.ofKind(Deployment.class).get(0).getSpec().getTemplate().getMetadata().getLabels().remove("app.kubernetes.io/part-of");
        assertOneProblem(ManifestChecks.deployments(rendered, SERVICES), "cannot reach Kafka");
    }

    @Test
    void aMissingDeploymentOrCompanionIsCaught() {
        Rendered rendered = Rendered.parse(without(Kustomize.overlay("prod").text(), "PodDisruptionBudget", "callback-service"));
        assertOneProblem(ManifestChecks.companions(rendered), "callback-service: no PodDisruptionBudget");
        Rendered noDeployment = Rendered.parse(without(Kustomize.overlay("prod").text(), "Deployment", "report-service"));
        assertOneProblem(ManifestChecks.deployments(noDeployment, SERVICES), "report-service: no Deployment");
    }

    @Test
    void anEnvironmentKeyNoServiceReadsIsCaught() {
        Rendered rendered = prod();
        // a plausible typo: the mapping's key is callback.delivery-concurrency
        container(rendered, "callback-service").getEnv().add(new EnvVar("CALLBACK_DELIVERY_PARALLELISM", "8", null));
        // a key of another service: report.night-run.every is no setting of invoice-service
        container(rendered, "invoice-service").getEnv().add(new EnvVar("REPORT_NIGHT_RUN_EVERY", "off", null));
        List<String> problems = ManifestChecks.environment(rendered, SERVICES);
        assertEquals(2, problems.size(), () -> "problems: " + problems);
    }

    @Test
    void environmentFormsOfMappingsAndPropertiesAreRecognised() {
        ServiceConfig callback = SERVICES.get("callback-service");
        assertTrue(callback.readsEnv("CALLBACK_DELIVERY_CONCURRENCY"));
        assertTrue(callback.readsEnv("CALLBACK_ENCRYPTION_KEYS_K2"), "a map key of CallbackConfig.Encryption.keys");
        assertTrue(callback.readsEnv("INVOICEPAY_RATE_LIMIT_BURST"), "common's PlatformConfig");
        assertTrue(callback.readsEnv("MP_MESSAGING_INCOMING_INVOICE_EVENTS_GROUP_ID"), "application.properties");
        assertTrue(SERVICES.get("report-service").readsEnv("REPORT_FEES_SEK_PERCENTAGE"), "a map of groups");
        assertTrue(SERVICES.get("invoice-service").readsEnv("INVOICE_PAYER_PAGE_URL"), "@ConfigProperty");
        assertFalse(callback.readsEnv("CALLBACK_ENCRYPTION"), "a group is no property");
    }

    @Test
    void anEnvFromSecretIsCaught() {
        Rendered rendered = prod();
        container(rendered, "invoice-service").getEnvFrom().add(new EnvFromSourceBuilder()
                .withNewSecretRef().withName("invoice-service-db").endSecretRef().build());
        assertOneProblem(ManifestChecks.environment(rendered, SERVICES), "envFrom Secret invoice-service-db");
    }

    @Test
    void aMissingTopicOrALowReplicationIsCaught() {
        Rendered rendered = Rendered.parse(without(Kustomize.overlay("prod").text(), "KafkaTopic", "callback-commands"));
        assertOneProblem(ManifestChecks.topics(rendered, Sources.topics()), "topic callback-commands: no KafkaTopic");
        Rendered low = Rendered.parse(Kustomize.overlay("prod").text().replaceFirst("partitions: 6\n  replicas: 3\n", "partitions: 6\n  replicas: 1\n"));
        assertOneProblem(ManifestChecks.topics(low, Sources.topics()), "replicas 1, not 3");
    }

    @Test
    void aSecretValueInPlainTextIsCaught() {
        String leaked = Kustomize.overlay("prod").text()
                .replace("QUARKUS_HTTP_HOST: 0.0.0.0", "QUARKUS_HTTP_HOST: 0.0.0.0\n  NOTE: integrator-app-secret");
        assertOneProblem(ManifestChecks.secrets(Rendered.parse(leaked), Sources.localSecrets()), "the secret value int...");
    }

    @Test
    void aSecretResourceOrALiteralPasswordIsCaught() {
        String withSecret = Kustomize.overlay("prod").text() + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\n";
        assertOneProblem(ManifestChecks.secrets(Rendered.parse(withSecret), Set.of()), "Secret db is in the manifests");
        Rendered literal = prod();
        container(literal, "certification-service").getEnv().add(new EnvVar("CERTIFICATION_KEYCLOAK_ADMIN_PASSWORD", "changeit", null));
        assertOneProblem(ManifestChecks.secrets(literal, Set.of()), "CERTIFICATION_KEYCLOAK_ADMIN_PASSWORD has a literal value");
    }

    @Test
    void theLocalSecretsAreKnown() {
        Set<String> secrets = Sources.localSecrets();
        assertTrue(secrets.containsAll(Set.of("integrator-app-secret", "ops-admin-password", "merchant-2-password")), secrets::toString);
        assertTrue(secrets.stream().anyMatch(s -> s.startsWith("ZGV2LW9ubHkta2V5")), "callback-service's local encryption key");
    }

    @Test
    void aSandboxProfileInProductionIsCaught() {
        Rendered rendered = Rendered.parse(Kustomize.overlay("prod").text().replace("QUARKUS_PROFILE: prod", "QUARKUS_PROFILE: sandbox"));
        assertEquals(4, ManifestChecks.profile(rendered, Set.of("sandbox", "dev", "test")).size());
    }

    @Test
    void aPathRoutedToTheWrongServiceIsCaught() {
        Rendered rendered = prod();
        rendered.ofKind(Ingress.class).get(0).getSpec().getRules().get(0).getHttp().getPaths().stream()
                .filter(p -> p.getPath().equals("/api/v1/merchants/[^/]+/auth"))
                .forEach(p -> p.getBackend().getService().setName("invoice-service"));
        List<String> problems = ManifestChecks.routes(rendered, Sources.documentedPaths());
        // the registration paths and nothing else
        assertEquals(5, problems.size(), problems::toString);
        assertTrue(problems.stream().allMatch(p -> p.contains("/api/v1/merchants/x1/auth") && p.contains("goes to invoice-service")), problems::toString);
    }

    @Test
    void aRoutedSandboxPathIsCaught() {
        Rendered rendered = prod();
        rendered.ofKind(Ingress.class).get(0).getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("/");
        List<String> problems = ManifestChecks.routes(rendered, Map.of("/sandbox/clock", "none"));
        assertTrue(problems.get(0).contains("/sandbox/clock goes to invoice-service"), problems::toString);
    }

    @Test
    void theDocumentedPathsComeFromTheResources() {
        Map<String, String> paths = Sources.documentedPaths();
        assertEquals("callback-service", paths.get("/api/v1/merchants/x1/auth/basic"));
        assertEquals("callback-service", paths.get("/api/v1/merchants/x1/auth/apikey"));
        assertEquals("invoice-service", paths.get("/api/v1/merchants/x1/invoices/batch"));
        assertEquals("report-service", paths.get("/v3/reporting/transfers/x1"));
        assertEquals("certification-service", paths.get("/api/v1/certification/runs"));
        assertTrue(paths.containsKey("/sandbox/transfers/night-run") && paths.get("/sandbox/transfers/night-run") == null);
    }

    @Test
    void aRealmChangedWithoutRegeneratingTheImportIsCaught() {
        var realm = Sources.realm().deepCopy();
        ((ObjectNode) realm).put("accessTokenLifespan", 3600);
        assertOneProblem(RealmImportCheck.check(Kustomize.overlay("prod"), realm), "run deploy/kubernetes/tools/realm-import.py");
    }

    @Test
    void aPlaceholderWithoutASecretIsCaught() {
        String yaml = Kustomize.overlay("prod").text().replaceFirst("key: client-integrator-app\n", "key: \"\"\n");
        assertOneProblem(RealmImportCheck.check(Rendered.parse(yaml), Sources.realm()), "CLIENT_INTEGRATOR_APP_SECRET is not taken from a Secret key");
    }

    @Test
    void missingKubectlFailsWithTheWayOut() {
        AssertionError error = assertThrows(AssertionError.class, () -> Kustomize.kubectl(Map.of("PATH", "/nonexistent")));
        assertTrue(error.getMessage().contains("kubectl not found"), error.getMessage());
    }
}
