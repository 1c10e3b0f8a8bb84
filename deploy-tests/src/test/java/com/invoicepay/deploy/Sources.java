package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the manifests are checked against, read from the services' own sources and the local stack. */
final class Sources {

    private static final Pattern TOPIC_CONSTANT = Pattern.compile("static final String \\w+ = \"([^\"]+)\"");
    private static final Pattern PATH = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
    private static final Pattern CLASS = Pattern.compile("\\bclass\\s+\\w+");
    private static final Pattern README_SECRET = Pattern.compile("^\\|[^|]*\\|\\s*`[^`]+`\\s*\\|\\s*`([^`]+)`\\s*\\|");

    private Sources() {
    }

    /** common's Topics.java and every topic named in a service's application.properties (prefix removed). */
    static Set<String> topics() {
        Set<String> topics = new LinkedHashSet<>();
        Matcher constant = TOPIC_CONSTANT.matcher(RepoTree.read(RepoTree.path("common/src/main/java/com/invoicepay/common/events/Topics.java")));
        while (constant.find()) {
            topics.add(constant.group(1));
        }
        for (String service : RepoTree.SERVICES) {
            ServiceConfig.of(service).properties.forEach((k, v) -> {
                if (k.toString().matches("mp\\.messaging\\.(incoming|outgoing)\\.[^.]+\\.topic")) {
                    topics.add(v.toString().replace("${invoicepay.topic-prefix:}", ""));
                }
            });
        }
        return topics;
    }

    /**
     * Every path a service's JAX-RS resources serve (class @Path joined with method @Path), as a sample
     * request path ({name} -> x1) mapped to the service that serves it; the sandbox endpoints map to null:
     * they are never routed.
     */
    static Map<String, String> documentedPaths() {
        Map<String, String> paths = new LinkedHashMap<>();
        for (String service : RepoTree.SERVICES) {
            for (Path source : RepoTree.javaSources(service)) {
                String text = RepoTree.read(source);
                Matcher cls = CLASS.matcher(text);
                if (!cls.find()) {
                    continue;
                }
                String classPath = "";
                Matcher path = PATH.matcher(text);
                while (path.find()) {
                    if (path.start() < cls.start()) {
                        classPath = path.group(1);
                    } else {
                        put(paths, join(classPath, path.group(1)), service);
                    }
                }
                if (!classPath.isEmpty() && !classPath.equals("/")) {
                    put(paths, join(classPath, ""), service);
                }
            }
        }
        paths.put("/sandbox/clock", null);
        paths.put("/q/health/ready", null);
        paths.put("/q/metrics", null);
        return paths;
    }

    private static void put(Map<String, String> paths, String path, String service) {
        String sample = path.replaceAll("\\{[^}]+}", "x1");
        paths.put(sample, sample.startsWith("/sandbox/") ? null : service);
    }

    private static String join(String a, String b) {
        String joined = ("/" + a + "/" + b).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /**
     * Secret values of the local stack that must never appear in a manifest: the realm's client secrets
     * and user passwords, the README's credential table, the services' local encryption keys. Values
     * shorter than 8 characters (Keycloak's local admin/admin) or equal to a public name (a local
     * database password equals its role name, which the manifests must name) cannot be told from
     * ordinary words and are left out.
     */
    static Set<String> localSecrets() {
        Set<String> secrets = new LinkedHashSet<>();
        JsonNode realm = realm();
        realm.path("clients").forEach(c -> secrets.add(c.path("secret").asText("")));
        realm.path("users").forEach(u -> u.path("credentials").forEach(c -> secrets.add(c.path("value").asText(""))));
        boolean inTable = false;
        for (String line : RepoTree.read(RepoTree.path("README.md")).split("\n")) {
            inTable = line.startsWith("Local-only credentials") || (inTable && (line.isBlank() || line.startsWith("|")));
            Matcher row = README_SECRET.matcher(line);
            if (inTable && row.find()) {
                secrets.add(row.group(1));
            }
        }
        for (String service : RepoTree.SERVICES) {
            var properties = ServiceConfig.of(service).properties;
            properties.forEach((k, v) -> {
                String key = k.toString();
                boolean password = key.endsWith("datasource.password")
                        && !v.equals(properties.getProperty(key.replace("password", "username")));
                if (key.contains(".encryption.keys.") || password) {
                    secrets.add(v.toString());
                }
            });
        }
        secrets.removeIf(s -> s.length() < 8);
        return secrets;
    }

    static JsonNode realm() {
        try {
            return new ObjectMapper().readTree(RepoTree.path("deploy/keycloak/payments-realm.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
