package com.invoicepay.callback.security;

import com.invoicepay.callback.config.CallbackConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * AES-256-GCM for secrets at rest. Every value is stored with the id of the key that sealed it; new
 * values use the current key, older ones open while their key is still configured (rotation).
 * The associated data binds a value to its owner and purpose, so a ciphertext copied to another
 * merchant's row does not open.
 */
@ApplicationScoped
public class CredentialCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed value and the key id it needs. */
    public record Sealed(String keyId, String ciphertext) {
    }

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys = new HashMap<>();

    @Inject
    public CredentialCipher(CallbackConfig config) {
        this(config.encryption().currentKeyId(), config.encryption().keys());
    }

    public CredentialCipher(String currentKeyId, Map<String, String> base64Keys) {
        base64Keys.forEach((id, value) -> {
            byte[] key = Base64.getDecoder().decode(value.trim());
            if (key.length != 32) {
                throw new IllegalArgumentException("callback.encryption.keys." + id + " must be 32 bytes (base64)");
            }
            keys.put(id, new SecretKeySpec(key, "AES"));
        });
        if (!keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("callback.encryption.current-key-id " + currentKeyId + " is not among callback.encryption.keys");
        }
        this.currentKeyId = currentKeyId;
    }

    public Sealed seal(String plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(currentKeyId, context));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return new Sealed(currentKeyId, Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(Sealed sealed, String context) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("no configured key " + sealed.keyId() + " opens this value");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.ciphertext());
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(aad(sealed.keyId(), context));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a sealed value failed authentication (key " + sealed.keyId() + ")", e);
        }
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    private static byte[] aad(String keyId, String context) {
        return (keyId + "|" + context).getBytes(StandardCharsets.UTF_8);
    }
}
