package com.invoicepay.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each overlay, rendered by kubectl kustomize, keeps every rule of ManifestChecks. */
class OverlaysTest {

    static Map<String, ServiceConfig> services() {
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        RepoTree.SERVICES.forEach(s -> services.put(s, ServiceConfig.of(s)));
        return services;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentHasProbesResourcesAndItsImage(String overlay) {
        assertEquals(List.of(), ManifestChecks.deployments(Kustomize.overlay(overlay), services()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentHasServiceAutoscalerBudgetPolicyAndMonitor(String overlay) {
        assertEquals(List.of(), ManifestChecks.companions(Kustomize.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyEnvironmentKeyIsOneTheServiceReads(String overlay) {
        assertEquals(List.of(), ManifestChecks.environment(Kustomize.overlay(overlay), services()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheServicesUseExistsWithPartitions(String overlay) {
        assertEquals(List.of(), ManifestChecks.topics(Kustomize.overlay(overlay), Sources.topics()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noSecretInPlainText(String overlay) {
        assertEquals(List.of(), ManifestChecks.secrets(Kustomize.overlay(overlay), Sources.localSecrets()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theIngressRoutesEveryDocumentedPathToItsService(String overlay) {
        assertEquals(List.of(), ManifestChecks.routes(Kustomize.overlay(overlay), Sources.documentedPaths()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRealmImportIsTheLocalRealmWithItsSecretsFromASecret(String overlay) {
        assertEquals(List.of(), RealmImportCheck.check(Kustomize.overlay(overlay), Sources.realm()));
    }

    @Test
    void productionRunsNoSandboxProfile() {
        assertEquals(List.of(), ManifestChecks.profile(Kustomize.overlay("prod"), Set.of("sandbox", "dev", "test")));
    }

    @Test
    void theDevOverlayIsTheIntegratorsSandbox() {
        // the same check, turned around: every dev Deployment reports the sandbox profile
        assertEquals(4, ManifestChecks.profile(Kustomize.overlay("dev"), Set.of("sandbox")).size());
    }
}
