package com.invoicepay.report.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Validates response bodies against the project's copy of reporting.yaml's schemas (src/test/resources/contract). */
final class ReportingContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode DOCUMENT = load();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().nullableKeywordEnabled(true).build();

    private ReportingContract() {
    }

    private static JsonNode load() {
        try (InputStream in = ReportingContract.class.getResourceAsStream("/contract/reporting-schemas.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails with every violation when {@code body} is not a valid {@code schemaName} of reporting.yaml. */
    static void assertValid(String schemaName, String body) {
        if (!DOCUMENT.path("components").path("schemas").has(schemaName)) {
            throw new IllegalArgumentException("no schema " + schemaName + " in the contract copy");
        }
        ObjectNode root = DOCUMENT.deepCopy();
        root.put("$ref", "#/components/schemas/" + schemaName);
        JsonSchema schema = FACTORY.getSchema(root, CONFIG);
        try {
            Set<ValidationMessage> errors = schema.validate(JSON.readTree(body));
            assertEquals(Set.of(), errors, schemaName + ": " + body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
