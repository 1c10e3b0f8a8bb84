package com.invoicepay.callback.security;

import com.invoicepay.common.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pure unit tests of the SSRF guard, the sealing of secrets and the webhook signature. */
class SecurityUnitTest {
    static final String K1 = "dGVzdC1rZXktb25lLW9sZC0wMDAwMDAwMDAwMDAwMDE=";
    static final String K2 = "dGVzdC1rZXktdHdvLWN1cnJlbnQtMDAwMDAwMDAwMDI=";

    final CallbackUrls production = new CallbackUrls(false, Map.of());
    final CallbackUrls sandbox = new CallbackUrls(true, Map.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.0.1",
            "169.254.169.254", "169.254.0.1", "0.0.0.0", "100.64.0.1", "100.127.255.255", "224.0.0.1", "255.255.255.255",
            "240.0.0.1", "198.18.0.1", "192.0.0.170", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254",
            "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2001:db8::1"})
    void internalAddressesAreForbidden(String address) throws Exception {
        assertTrue(production.forbidden(InetAddress.getByName(address), address), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "1.1.1.1"})
    void publicAddressesAreAllowed(String address) throws Exception {
        assertFalse(production.forbidden(InetAddress.getByName(address), address), address);
    }

    @Test
    void onlyTheSandboxAdmitsTheLiteral127001() throws Exception {
        assertTrue(production.forbidden(InetAddress.getByName("127.0.0.1"), "127.0.0.1"));
        assertFalse(sandbox.forbidden(InetAddress.getByName("127.0.0.1"), "127.0.0.1"));
        assertTrue(sandbox.forbidden(InetAddress.getByName("127.0.0.1"), "localhost"), "not through a name");
        assertTrue(sandbox.forbidden(InetAddress.getByName("127.0.0.2"), "127.0.0.2"));
        assertEquals("12003", assertThrows(ApiException.class, () -> production.parse("http://127.0.0.1:8080/x")).code());
        sandbox.parse("http://127.0.0.1:8080/x");
        assertEquals("12003", assertThrows(ApiException.class, () -> sandbox.parse("http://localhost:8080/x")).code());
    }

    @Test
    void aSealedValueOpensOnlyWithItsKeyAndContextAndOldKeysStillOpen() {
        CredentialCipher old = new CredentialCipher("k1", Map.of("k1", K1));
        CredentialCipher rotated = new CredentialCipher("k2", Map.of("k1", K1, "k2", K2));
        CredentialCipher.Sealed before = old.seal("secret-value", "ctx-a");
        assertEquals("k1", before.keyId());
        assertFalse(before.ciphertext().contains("secret-value"));
        assertEquals("secret-value", rotated.open(before, "ctx-a"), "rows sealed before the rotation still open");
        CredentialCipher.Sealed after = rotated.seal("secret-value", "ctx-a");
        assertEquals("k2", after.keyId(), "new values use the current key");
        assertNotEquals(after.ciphertext(), rotated.seal("secret-value", "ctx-a").ciphertext(), "a fresh nonce every time");
        assertThrows(IllegalStateException.class, () -> rotated.open(before, "ctx-b"), "bound to its owner");
        assertThrows(IllegalStateException.class, () -> old.open(after, "ctx-a"), "k2 unknown to the old configuration");
        String tampered = before.ciphertext().substring(0, 20) + (before.ciphertext().charAt(20) == 'A' ? 'B' : 'A')
                + before.ciphertext().substring(21);
        assertThrows(IllegalStateException.class, () -> rotated.open(new CredentialCipher.Sealed("k1", tampered), "ctx-a"));
        assertThrows(IllegalArgumentException.class, () -> new CredentialCipher("k3", Map.of("k1", K1)));
    }

    @Test
    void theSignatureMatchesTheStandardWebhooksReferenceVector() {
        // the example of the Standard Webhooks specification
        String signature = WebhookSignature.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}");
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        String two = WebhookSignature.header(List.of(WebhookSignature.newSecret(), WebhookSignature.newSecret()), "id", 1L, "[]");
        assertEquals(2, two.split(" ").length);
        assertTrue(two.startsWith("v1,"));
    }
}
