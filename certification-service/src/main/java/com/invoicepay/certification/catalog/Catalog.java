package com.invoicepay.certification.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * A product's feature catalog, read from a versioned data file ({@code catalog/*.json}): features,
 * each with cases, each case a list of machine-checkable assertions. Another product is another file.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Catalog(String product, String version, String description, List<Feature> features) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Feature(String id, boolean mandatory, String title, List<Case> cases) {
    }

    /**
     * @param checklist  the checklist item of seed 004 the case verifies
     * @param assertions kept as JSON: their kinds (call, forbidden, event, command, review,
     *                   refreshed-session) are read by the judge, not by the catalog
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Case(String id, String title, String checklist, String instruction, List<JsonNode> assertions) {
    }

    public Optional<Feature> feature(String id) {
        return features.stream().filter(f -> f.id().equalsIgnoreCase(id)).findFirst();
    }

    public List<String> mandatory() {
        return features.stream().filter(Feature::mandatory).map(Feature::id).toList();
    }
}
