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

    @Test
    void eachTokenHasAKeyOfItsOwn() {
        // a token is trusted only once Keycloak found it active, not because another token of the app was
        assertNotEquals(ClientCredentialVerifier.hash("app", "s", "token-1"), ClientCredentialVerifier.hash("app", "s", "token-2"));
        assertNotEquals(ClientCredentialVerifier.hash("app", "st", "oken"), ClientCredentialVerifier.hash("app", "s", "token"));
    }
}
