package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules the rendered manifests must keep. Each check returns the problems it finds (empty when
 * the manifests are right), so a test can show both that an overlay passes and that a broken
 * manifest is caught.
 */
final class ManifestChecks {

    private ManifestChecks() {
    }

    /** Probes on the health endpoints and the service's port, requests and limits, the service's own image. */
    static List<String> deployments(Rendered rendered, Map<String, ServiceConfig> services) {
        List<String> problems = new ArrayList<>();
        for (String service : services.keySet()) {
            if (!rendered.names("Deployment").contains(service)) {
                problems.add(service + ": no Deployment");
            }
        }
        for (Deployment deployment : rendered.ofKind(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            ServiceConfig config = services.get(name);
            if (config == null) {
                problems.add(name + ": a Deployment of no known service");
                continue;
            }
            List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
            if (containers.size() != 1) {
                problems.add(name + ": expected one container, found " + containers.size());
                continue;
            }
            Container c = containers.get(0);
            // Kafka's listener admits only the suite's pods (kafka.yaml networkPolicyPeers)
            if (!"invoicepay".equals(deployment.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/part-of"))) {
                problems.add(name + ": pods without the label app.kubernetes.io/part-of=invoicepay cannot reach Kafka");
            }
            problems.addAll(probe(name, "liveness", c.getLivenessProbe(), "/q/health/live", c, config.httpPort));
            problems.addAll(probe(name, "readiness", c.getReadinessProbe(), "/q/health/ready", c, config.httpPort));
            var resources = c.getResources();
            for (String kind : List.of("requests", "limits")) {
                var values = resources == null ? null : kind.equals("requests") ? resources.getRequests() : resources.getLimits();
                for (String resource : List.of("cpu", "memory")) {
                    if (values == null || values.get(resource) == null) {
                        problems.add(name + ": no " + resource + " in resources." + kind);
                    }
                }
            }
            // registry/…/invoicepay/<service>:<tag>; "latest" (the base's placeholder) never reaches a cluster
            Pattern image = Pattern.compile("[^/]+(/[^/]+)*/invoicepay/" + Pattern.quote(name) + ":(?!latest$)[\\w.-]+");
            if (c.getImage() == null || !image.matcher(c.getImage()).matches()) {
                problems.add(name + ": image " + c.getImage() + " is not <registry>/invoicepay/" + name + ":<version>");
            }
        }
        return problems;
    }

    private static List<String> probe(String name, String what, Probe probe, String path, Container c, int httpPort) {
        if (probe == null || probe.getHttpGet() == null) {
            return List.of(name + ": no HTTP " + what + " probe");
        }
        HTTPGetAction get = probe.getHttpGet();
        List<String> problems = new ArrayList<>();
        if (!path.equals(get.getPath())) {
            problems.add(name + ": " + what + " probe on " + get.getPath() + ", not " + path);
        }
        Integer port = get.getPort().getIntVal() != null ? get.getPort().getIntVal()
                : c.getPorts().stream().filter(p -> get.getPort().getStrVal().equals(p.getName()))
                        .map(ContainerPort::getContainerPort).findFirst().orElse(null);
        if (port == null || port != httpPort) {
            problems.add(name + ": " + what + " probe on port " + get.getPort() + " (" + port + "), the service listens on " + httpPort);
        }
        return problems;
    }

    /** Every Deployment comes with its Service, autoscaler, disruption budget, network policy and metrics scrape. */
    static List<String> companions(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String name : rendered.names("Deployment")) {
            for (String kind : List.of("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor")) {
                if (!rendered.names(kind).contains(name)) {
                    problems.add(name + ": no " + kind);
                }
            }
        }
        for (JsonNode monitor : rendered.generic("ServiceMonitor")) {
            for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                if (!"/q/metrics".equals(endpoint.path("path").asText())) {
                    problems.add(monitor.path("metadata").path("name").asText() + ": ServiceMonitor scrapes " + endpoint.path("path").asText());
                }
            }
        }
        return problems;
    }

    /** Every environment variable a service gets is one it reads; ConfigMaps it names exist; Secrets only by key. */
    static List<String> environment(Rendered rendered, Map<String, ServiceConfig> services) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : rendered.ofKind(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            ServiceConfig config = services.get(name);
            if (config == null) {
                continue;
            }
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (Map.Entry<String, String> env : environment(rendered, c, problems, name).entrySet()) {
                    if (!config.readsEnv(env.getKey())) {
                        problems.add(name + ": " + env.getKey() + " (from " + env.getValue() + ") is no configuration property " + name + " reads");
                    }
                }
            }
        }
        return problems;
    }

    /** The container's environment: name -> where it comes from; a literal value is "value=<v>". */
    static Map<String, String> environment(Rendered rendered, Container c, List<String> problems, String owner) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Optional.ofNullable(c.getEnvFrom()).orElse(List.of())) {
            if (from.getSecretRef() != null) {
                problems.add(owner + ": envFrom Secret " + from.getSecretRef().getName() + " hides which keys it sets; name each with secretKeyRef");
            }
            if (from.getConfigMapRef() != null) {
                String map = from.getConfigMapRef().getName();
                Optional<ConfigMap> configMap = rendered.configMap(map);
                if (configMap.isEmpty()) {
                    problems.add(owner + ": envFrom ConfigMap " + map + " is not in the manifests");
                } else {
                    configMap.get().getData().forEach((k, v) -> env.put(k, "ConfigMap " + map + " value=" + v));
                }
            }
        }
        for (EnvVar var : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), "env value=" + var.getValue());
            } else if (var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), "Secret " + var.getValueFrom().getSecretKeyRef().getName());
            } else if (var.getValueFrom().getConfigMapKeyRef() != null) {
                String map = var.getValueFrom().getConfigMapKeyRef().getName();
                String key = var.getValueFrom().getConfigMapKeyRef().getKey();
                var value = rendered.configMap(map).map(m -> m.getData().get(key));
                if (value.isEmpty()) {
                    problems.add(owner + ": " + var.getName() + " refers to " + map + "/" + key + ", which is not in the manifests");
                }
                env.put(var.getName(), "ConfigMap " + map + " value=" + value.orElse(null));
            } else {
                env.put(var.getName(), "env");
            }
        }
        return env;
    }

    /** Profiles that turn on the sandbox clock and user simulation; a production overlay must not use them. */
    static List<String> profile(Rendered rendered, Set<String> forbidden) {
        List<String> problems = new ArrayList<>();
        for (Deployment deployment : rendered.ofKind(Deployment.class)) {
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                String source = environment(rendered, c, new ArrayList<>(), "").get("QUARKUS_PROFILE");
                String value = source == null ? "prod" : source.substring(source.indexOf("value=") + "value=".length());
                for (String profile : value.split(",")) {
                    if (forbidden.contains(profile.trim())) {
                        problems.add(deployment.getMetadata().getName() + ": runs with profile " + value);
                    }
                }
            }
        }
        return problems;
    }

    /** Every topic the services use is a KafkaTopic with partitions, replication 3 and min.insync.replicas 2. */
    static List<String> topics(Rendered rendered, Collection<String> required) {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode topic : rendered.generic("KafkaTopic")) {
            String name = topic.path("spec").path("topicName").asText(topic.path("metadata").path("name").asText());
            byName.put(name, topic);
        }
        List<String> problems = new ArrayList<>();
        for (String name : required) {
            JsonNode topic = byName.get(name);
            if (topic == null) {
                problems.add("topic " + name + ": no KafkaTopic");
                continue;
            }
            JsonNode spec = topic.path("spec");
            if (spec.path("partitions").asInt(0) < 1) {
                problems.add("topic " + name + ": no partition count");
            }
            if (spec.path("replicas").asInt(0) != 3) {
                problems.add("topic " + name + ": replicas " + spec.path("replicas") + ", not 3");
            }
            if (spec.path("config").path("min.insync.replicas").asInt(0) != 2) {
                problems.add("topic " + name + ": min.insync.replicas " + spec.path("config").path("min.insync.replicas") + ", not 2");
            }
            if (!rendered.names("Kafka").contains(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add("topic " + name + ": its strimzi.io/cluster label names no Kafka in the manifests");
            }
        }
        return problems;
    }

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEYS_).*");

    /**
     * No secret in plain text: none of the known local secrets anywhere in the output, no Secret
     * resource (the platform team creates them), no literal value under a secret-like name.
     */
    static List<String> secrets(Rendered rendered, Collection<String> knownSecrets) {
        List<String> problems = new ArrayList<>();
        for (String secret : knownSecrets) {
            if (rendered.text().contains(secret)) {
                problems.add("the secret value " + secret.substring(0, 3) + "... appears in plain text");
            }
        }
        for (Secret secret : rendered.ofKind(Secret.class)) {
            problems.add("Secret " + secret.getMetadata().getName() + " is in the manifests; Secrets are created apart and referenced");
        }
        for (ConfigMap map : rendered.ofKind(ConfigMap.class)) {
            Optional.ofNullable(map.getData()).orElse(Map.of()).keySet().stream()
                    .filter(key -> SECRET_NAME.matcher(key).matches())
                    .forEach(key -> problems.add("ConfigMap " + map.getMetadata().getName() + " holds " + key + "; put it in a Secret"));
        }
        for (Deployment deployment : rendered.ofKind(Deployment.class)) {
            for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar var : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (var.getValueFrom() == null && SECRET_NAME.matcher(var.getName()).matches()) {
                        problems.add(deployment.getMetadata().getName() + ": " + var.getName() + " has a literal value; take it from a Secret");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * The Ingress as ingress-nginx evaluates regex paths (longest first, first match, from the start of
     * the path): each sample path must reach its service; a path mapped to null must not be routed.
     */
    static List<String> routes(Rendered rendered, Map<String, String> expected) {
        List<Ingress> ingresses = rendered.ofKind(Ingress.class);
        if (ingresses.size() != 1) {
            return List.of("expected one Ingress, found " + ingresses.size());
        }
        Ingress ingress = ingresses.get(0);
        List<String> problems = new ArrayList<>();
        List<IngressRule> rules = ingress.getSpec().getRules();
        if (rules.size() != 1 || rules.get(0).getHost() == null) {
            return List.of("expected one rule for one host, found " + rules.size());
        }
        String host = rules.get(0).getHost();
        boolean tls = Optional.ofNullable(ingress.getSpec().getTls()).orElse(List.of()).stream()
                .anyMatch(t -> t.getHosts().contains(host) && t.getSecretName() != null);
        if (!tls) {
            problems.add("Ingress: no TLS certificate for " + host);
        }
        List<HTTPIngressPath> paths = rules.get(0).getHttp().getPaths().stream()
                .sorted(Comparator.comparingInt((HTTPIngressPath p) -> p.getPath().length()).reversed())
                .toList();
        for (Map.Entry<String, String> want : expected.entrySet()) {
            String routed = paths.stream()
                    .filter(p -> Pattern.compile("^" + p.getPath(), Pattern.CASE_INSENSITIVE).matcher(want.getKey()).lookingAt())
                    .map(p -> p.getBackend().getService().getName())
                    .findFirst().orElse(null);
            if (want.getValue() == null ? routed != null : !want.getValue().equals(routed)) {
                problems.add("Ingress: " + want.getKey() + " goes to " + routed + ", expected " + want.getValue());
            }
        }
        return problems;
    }
}
