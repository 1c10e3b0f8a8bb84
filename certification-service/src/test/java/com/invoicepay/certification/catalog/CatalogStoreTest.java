package com.invoicepay.certification.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog file is data: a malformed one stops the service at startup instead of judging wrongly. */
class CatalogStoreTest {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Test
    void theInvoiceCatalogLoadsWithOnboardingMandatoryAndEveryIssueFeature() {
        Catalog catalog = CatalogStore.load("catalog/invoice-v1.json", JSON);
        assertEquals("invoice-v1", catalog.version());
        assertEquals(List.of("Onboarding"), catalog.mandatory());
        assertEquals(List.of("Onboarding", "InvoiceDirect", "InvoiceLink", "Cancel", "DirectInvoiceConsent", "Callbacks",
                "Reconciliation"), catalog.features().stream().map(Catalog.Feature::id).toList());
        catalog.features().forEach(f -> f.cases().forEach(c -> assertTrue(c.checklist() != null && !c.assertions().isEmpty(), c.id())));
    }

    @Test
    void aCatalogWithoutMandatoryFeatureOrWithAnUnknownAssertionKindIsRefused() throws Exception {
        Catalog noMandatory = JSON.readValue("""
                {"version":"x","features":[{"id":"A","cases":[{"id":"a","assertions":[{"kind":"call"}]}]}]}""", Catalog.class);
        assertThrows(IllegalStateException.class, () -> CatalogStore.check(noMandatory, "test"));
        Catalog unknownKind = JSON.readValue("""
                {"version":"x","features":[{"id":"A","mandatory":true,"cases":[{"id":"a","assertions":[{"kind":"guess"}]}]}]}""", Catalog.class);
        assertThrows(IllegalStateException.class, () -> CatalogStore.check(unknownKind, "test"));
        Catalog duplicateCase = JSON.readValue("""
                {"version":"x","features":[{"id":"A","mandatory":true,"cases":[{"id":"a","assertions":[{"kind":"call"}]},
                 {"id":"a","assertions":[{"kind":"call"}]}]}]}""", Catalog.class);
        assertThrows(IllegalStateException.class, () -> CatalogStore.check(duplicateCase, "test"));
    }
}
