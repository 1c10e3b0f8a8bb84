package com.invoicepay.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The KeycloakRealmImport is deploy/keycloak/payments-realm.json with every secret replaced by a
 * placeholder (deploy/kubernetes/tools/realm-import.py); this is the same rule, so a realm changed
 * without regenerating the import is caught.
 */
final class RealmImportCheck {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private RealmImportCheck() {
    }

    static JsonNode expectedRealm(JsonNode realm) {
        JsonNode copy = realm.deepCopy();
        copy.path("clients").forEach(client -> {
            if (client.has("secret")) {
                ((ObjectNode) client).put("secret", "${CLIENT_" + env(client.path("clientId").asText()) + "_SECRET}");
            }
        });
        copy.path("users").forEach(user -> user.path("credentials").forEach(credential -> {
            if (credential.has("value")) {
                ((ObjectNode) credential).put("value", "${USER_" + env(user.path("username").asText()) + "_PASSWORD}");
            }
        }));
        return copy;
    }

    static List<String> check(Rendered rendered, JsonNode realm) {
        List<JsonNode> imports = rendered.generic("KeycloakRealmImport");
        if (imports.size() != 1) {
            return List.of("expected one KeycloakRealmImport, found " + imports.size());
        }
        JsonNode spec = imports.get(0).path("spec");
        List<String> problems = new ArrayList<>();
        if (!expectedRealm(realm).equals(spec.path("realm"))) {
            problems.add("the realm import differs from deploy/keycloak/payments-realm.json: run deploy/kubernetes/tools/realm-import.py");
        }
        if (!rendered.names("Keycloak").contains(spec.path("keycloakCRName").asText())) {
            problems.add("the realm import names Keycloak " + spec.path("keycloakCRName") + ", which is not in the manifests");
        }
        Set<String> used = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(spec.path("realm").toString());
        while (m.find()) {
            used.add(m.group(1));
        }
        for (String name : used) {
            JsonNode secret = spec.path("placeholders").path(name).path("secret");
            if (secret.path("name").asText().isEmpty() || secret.path("key").asText().isEmpty()) {
                problems.add("placeholder " + name + " is not taken from a Secret key");
            }
        }
        return problems;
    }

    private static String env(String text) {
        return text.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }
}
