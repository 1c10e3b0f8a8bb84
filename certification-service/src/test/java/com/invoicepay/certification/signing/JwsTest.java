package com.invoicepay.certification.signing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier: a signature checks against the published key its kid names; a changed byte does not. */
class JwsTest {
    static final byte[] REPORT = "{\"runId\":\"r-1\",\"result\":\"CERTIFIED\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignatureVerifiesWithThePublishedKeyAndAChangedByteIsDetected() {
        KeyPair pair = SigningKeys.generate();
        String jws = Jws.sign(REPORT, "k-1", pair.getPrivate());
        // verified through the key as published (JWK x), not the in-memory one
        PublicKey published = Jws.fromJwk(Jws.jwk("k-1", pair.getPublic()).get("x"));
        assertArrayEquals(REPORT, Jws.verify(jws, kid -> kid.equals("k-1") ? Optional.of(published) : Optional.empty()).orElseThrow());

        String[] parts = jws.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        payload[payload.length - 3] ^= 0x01; // one bit of one byte of the report
        String changed = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "." + parts[2];
        assertTrue(Jws.verify(changed, kid -> Optional.of(published)).isEmpty());
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[0] ^= 0x01;
        assertTrue(Jws.verify(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature),
                kid -> Optional.of(published)).isEmpty());
    }

    @Test
    void theKidSelectsTheKeySoAnotherKeysSignatureOrAnUnknownKidFails() {
        KeyPair old = SigningKeys.generate();
        KeyPair current = SigningKeys.generate();
        Map<String, PublicKey> keys = Map.of("old", old.getPublic(), "current", current.getPublic());
        String byOld = Jws.sign(REPORT, "old", old.getPrivate());
        assertTrue(Jws.verify(byOld, kid -> Optional.ofNullable(keys.get(kid))).isPresent(), "a rotated-out key still verifies");
        String lying = Jws.sign(REPORT, "current", old.getPrivate());
        assertTrue(Jws.verify(lying, kid -> Optional.ofNullable(keys.get(kid))).isEmpty());
        assertTrue(Jws.verify(Jws.sign(REPORT, "gone", old.getPrivate()), kid -> Optional.ofNullable(keys.get(kid))).isEmpty());
        assertTrue(Jws.verify("not.a-jws", kid -> Optional.empty()).isEmpty());
    }

    @Test
    void theHeaderNamesAlgorithmAndKeyAndTheJwkIsAnOkpKey() {
        KeyPair pair = SigningKeys.generate();
        String header = new String(Base64.getUrlDecoder().decode(Jws.sign(REPORT, "k-9", pair.getPrivate()).split("\\.")[0]), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"alg\":\"EdDSA\"") && header.contains("\"kid\":\"k-9\""), header);
        Map<String, String> jwk = Jws.jwk("k-9", pair.getPublic());
        assertEquals("OKP", jwk.get("kty"));
        assertEquals("Ed25519", jwk.get("crv"));
        assertEquals(32, Base64.getUrlDecoder().decode(jwk.get("x")).length);
    }

    @Test
    void aConfiguredPrivateKeysPublicHalfIsDerivedCorrectly() {
        KeyPair pair = SigningKeys.generate();
        PublicKey derived = SigningKeys.publicOf(pair.getPrivate());
        assertArrayEquals(pair.getPublic().getEncoded(), derived.getEncoded());
    }
}
