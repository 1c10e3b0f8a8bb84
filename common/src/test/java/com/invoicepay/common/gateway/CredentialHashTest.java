package com.invoicepay.common.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CredentialHashTest {
    @Test
    void theCacheKeyNeverContainsTheSecret() {
        String key = ClientCredentialVerifier.hash("integrator-app", "integrator-app-secret");
        assertFalse(key.contains("secret"));
        assertEquals(64, key.length());
    }

    @Test
    void idAndSecretCannotBeShiftedIntoEachOther() {
        assertNotEquals(ClientCredentialVerifier.hash("ab", "c"), ClientCredentialVerifier.hash("a", "bc"));
        assertNotEquals(ClientCredentialVerifier.hash("app", "s1"), ClientCredentialVerifier.hash("app", "s2"));
    }
}
