package com.invoicepay.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with {@code kubectl kustomize}, as {@code kubectl apply -k} would. */
final class Kustomize {

    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** An overlay under deploy/kubernetes/overlays, rendered once per test run. */
    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> Rendered.parse(render(kubectl(), RepoTree.path("deploy/kubernetes/overlays/" + n))));
    }

    /**
     * kubectl from $KUBECTL or the PATH. Missing, the manifests cannot be checked: that is a failure
     * with the way out in its message, never a skipped test.
     */
    static String kubectl() {
        return kubectl(System.getenv());
    }

    static String kubectl(Map<String, String> environment) {
        String configured = environment.get("KUBECTL");
        Optional<String> found = configured != null && !configured.isBlank()
                ? Optional.of(configured)
                : Arrays.stream(environment.getOrDefault("PATH", "").split(File.pathSeparator))
                        .map(dir -> Path.of(dir, "kubectl"))
                        .filter(Files::isExecutable)
                        .map(Path::toString)
                        .findFirst();
        return found.orElseThrow(() -> new AssertionError(
                "kubectl not found on the PATH (nor $KUBECTL): the Kubernetes manifests cannot be rendered. "
                        + "Install kubectl >= 1.27 (it includes kustomize) or set KUBECTL to its path."));
    }

    static String render(String kubectl, Path kustomization) {
        try {
            Process process = new ProcessBuilder(kubectl, "kustomize", kustomization.toString())
                    .redirectErrorStream(false).start();
            // read both streams fully before waiting, so a large output cannot block the process
            var out = process.getInputStream().readAllBytes();
            var err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + kustomization + " did not finish in 60 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + kustomization + " failed: " + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kubectl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + kustomization, e);
        }
    }
}
