package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.List;
import java.util.Optional;

/** The output of one rendering: its text and the resources parsed with the fabric8 model. */
record Rendered(String text, List<HasMetadata> resources) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Parses multi-document YAML; kinds the model does not know (operators' CRDs) become GenericKubernetesResource. */
    static Rendered parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        List<HasMetadata> items;
        if (parsed instanceof KubernetesList list) {
            items = list.getItems();
        } else if (parsed instanceof List<?> list) {
            items = list.stream().map(HasMetadata.class::cast).toList();
        } else {
            items = List.of((HasMetadata) parsed);
        }
        return new Rendered(yaml, items);
    }

    <T extends HasMetadata> List<T> ofKind(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Resources of an operator's kind (Strimzi, CloudNativePG, Keycloak, Prometheus operator), as JSON trees. */
    List<JsonNode> generic(String kind) {
        return resources.stream()
                .filter(r -> r instanceof GenericKubernetesResource && kind.equals(r.getKind()))
                .map(r -> SERIALIZATION.convertValue(r, JsonNode.class))
                .toList();
    }

    Optional<ConfigMap> configMap(String name) {
        return ofKind(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst();
    }

    List<String> names(String kind) {
        return resources.stream().filter(r -> kind.equals(r.getKind())).map(r -> r.getMetadata().getName()).toList();
    }
}
