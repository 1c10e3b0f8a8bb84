package com.invoicepay.certification.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.certification.config.CertificationConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;

/** Loads the catalog once at startup and refuses to start with a catalog that is not well formed. */
@ApplicationScoped
public class CatalogStore {
    private final Catalog catalog;

    public CatalogStore(CertificationConfig config, ObjectMapper json) {
        this.catalog = load(config.catalog(), json);
    }

    public Catalog catalog() {
        return catalog;
    }

    static Catalog load(String resource, ObjectMapper json) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("catalog " + resource + " not on the classpath");
            }
            Catalog catalog = json.readValue(in, Catalog.class);
            check(catalog, resource);
            return catalog;
        } catch (IOException e) {
            throw new IllegalStateException("catalog " + resource + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    /** Ids unique, every case with at least one assertion of a known kind, at least one mandatory feature. */
    static void check(Catalog catalog, String resource) {
        Set<String> known = Set.of("call", "forbidden", "event", "command", "review", "refreshed-session");
        Set<String> ids = new HashSet<>();
        if (catalog.version() == null || catalog.features() == null || catalog.features().isEmpty()) {
            throw new IllegalStateException("catalog " + resource + " needs a version and features");
        }
        if (catalog.mandatory().isEmpty()) {
            throw new IllegalStateException("catalog " + resource + " has no mandatory feature");
        }
        for (Catalog.Feature f : catalog.features()) {
            if (!ids.add("feature:" + f.id().toLowerCase()) || f.cases() == null || f.cases().isEmpty()) {
                throw new IllegalStateException("catalog " + resource + ": feature " + f.id() + " duplicated or without cases");
            }
            for (Catalog.Case c : f.cases()) {
                if (!ids.add("case:" + c.id()) || c.assertions() == null || c.assertions().isEmpty()) {
                    throw new IllegalStateException("catalog " + resource + ": case " + c.id() + " duplicated or without assertions");
                }
                c.assertions().forEach(a -> {
                    if (!known.contains(a.path("kind").asText())) {
                        throw new IllegalStateException("catalog " + resource + ": case " + c.id() + " has an assertion of unknown kind " + a.path("kind"));
                    }
                });
            }
        }
    }
}
