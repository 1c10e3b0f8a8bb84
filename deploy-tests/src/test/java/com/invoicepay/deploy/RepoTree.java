package com.invoicepay.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The repository checkout the tests read: manifests, services' configuration and sources. */
final class RepoTree {

    /** The four services; each is a module of the same name and a Deployment of the same name. */
    static final List<String> SERVICES = List.of("invoice-service", "callback-service", "report-service", "certification-service");

    private static final Path ROOT = findRoot();

    private RepoTree() {
    }

    static Path root() {
        return ROOT;
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> javaSources(String module) {
        Path dir = path(module + "/src/main/java");
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // surefire runs in deploy-tests/; walking up keeps the tests working from an IDE too
    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/kubernetes above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
