package com.invoicepay.certification.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.invoicepay.common.events.EventJson;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * JWS compact serialization (RFC 7515) with EdDSA over Ed25519 (RFC 8037), by the JDK alone: the
 * protected header names the key ({@code kid}) so keys can rotate; public keys are published as
 * OKP JWKs. Any JOSE library verifies what this signs.
 */
public final class Jws {
    public static final String ALG = "EdDSA";
    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key; the raw 32-byte key (JWK "x") follows. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** {@code payload} signed with {@code key}, the header carrying {@code kid}. */
    public static String sign(byte[] payload, String kid, PrivateKey key) {
        Map<String, String> header = new LinkedHashMap<>();
        header.put("alg", ALG);
        header.put("kid", kid);
        header.put("typ", "JOSE");
        header.put("cty", "json");
        String signingInput = B64.encodeToString(EventJson.MAPPER.valueToTree(header).toString().getBytes(StandardCharsets.UTF_8))
                + "." + B64.encodeToString(payload);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * The payload, if {@code jws} is well formed, EdDSA, and its signature verifies with the public
     * key its {@code kid} names; empty for anything else (a changed byte, an unknown key).
     */
    public static Optional<byte[]> verify(String jws, Function<String, Optional<PublicKey>> keys) {
        String[] parts = jws == null ? new String[0] : jws.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = EventJson.MAPPER.readTree(B64D.decode(parts[0]));
            if (!ALG.equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            Optional<PublicKey> key = keys.apply(header.path("kid").asText());
            if (key.isEmpty()) {
                return Optional.empty();
            }
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key.get());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return s.verify(B64D.decode(parts[2])) ? Optional.of(B64D.decode(parts[1])) : Optional.empty();
        } catch (IllegalArgumentException | java.io.IOException | GeneralSecurityException malformed) {
            return Optional.empty();
        }
    }

    /** The public key as a JWK (kty OKP, crv Ed25519). */
    public static Map<String, String> jwk(String kid, PublicKey key) {
        byte[] spki = key.getEncoded();
        Map<String, String> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", ALG);
        jwk.put("x", B64.encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
        return jwk;
    }

    /** The public key a JWK's {@code x} holds. */
    public static PublicKey fromJwk(String x) {
        byte[] raw = B64D.decode(x);
        byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
        return publicKey(spki);
    }

    public static PublicKey publicKey(byte[] spki) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    private Jws() {
    }
}
