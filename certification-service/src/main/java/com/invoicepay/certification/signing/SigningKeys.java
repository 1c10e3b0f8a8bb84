package com.invoicepay.certification.signing;

import com.invoicepay.certification.config.CertificationConfig;
import com.invoicepay.common.config.PlatformConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The key approved reports are signed with, and every public key that ever signed one.
 * <ul>
 * <li>Configured ({@code certification.signing.key-id} and {@code .private-key}): its public key is
 *     derived and recorded in signing_key, so it stays published after it rotates out.</li>
 * <li>Not configured, sandbox mode only: the newest generated key in signing_key is used, or one is
 *     generated and stored (private part included: a sandbox key protects nothing real).</li>
 * <li>Not configured outside sandbox mode: the service refuses to start.</li>
 * </ul>
 */
@ApplicationScoped
public class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final Pool pool;
    private final CertificationConfig config;
    private final PlatformConfig platform;
    private final Clock clock;
    private final Map<String, PublicKey> published = new ConcurrentHashMap<>();
    private volatile String currentKid;
    private volatile PrivateKey currentKey;

    public SigningKeys(Pool pool, CertificationConfig config, PlatformConfig platform, Clock clock) {
        this.pool = pool;
        this.config = config;
        this.platform = platform;
        this.clock = clock;
    }

    void start(@Observes StartupEvent startup) {
        if (config.signing().keyId().isPresent() && config.signing().privateKey().isPresent()) {
            currentKid = config.signing().keyId().get();
            currentKey = privateKey(Base64.getDecoder().decode(config.signing().privateKey().get().trim()));
            store(currentKid, publicOf(currentKey), null);
        } else if (platform.sandbox()) {
            List<Row> generated = new ArrayList<>();
            pool.query("select kid, private_key from signing_key where private_key is not null order by created_at desc limit 1")
                    .execute().await().atMost(AWAIT).forEach(generated::add);
            if (generated.isEmpty()) {
                KeyPair pair = generate();
                currentKid = "sandbox-" + clock.instant().atZone(ZoneOffset.UTC).toLocalDate() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
                currentKey = pair.getPrivate();
                store(currentKid, pair.getPublic(), pair.getPrivate());
                LOG.infof("generated sandbox signing key %s", currentKid);
            } else {
                currentKid = generated.get(0).getString("kid");
                currentKey = privateKey(Base64.getDecoder().decode(generated.get(0).getString("private_key")));
            }
        } else {
            throw new IllegalStateException("certification.signing.key-id and certification.signing.private-key are required outside sandbox mode");
        }
        reload();
    }

    public String currentKid() {
        return currentKid;
    }

    public String sign(byte[] payload) {
        return Jws.sign(payload, currentKid, currentKey);
    }

    public Optional<PublicKey> publicKey(String kid) {
        if (!published.containsKey(kid)) {
            reload(); // another replica may have generated or configured it
        }
        return Optional.ofNullable(published.get(kid));
    }

    /** JWKS-like: {@code {"keys": [...]}} of every key that signed or signs. */
    public Map<String, List<Map<String, String>>> jwks() {
        reload();
        return Map.of("keys", published.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> Jws.jwk(e.getKey(), e.getValue())).toList());
    }

    private void reload() {
        pool.query("select kid, public_key from signing_key").execute().await().atMost(AWAIT)
                .forEach(r -> published.put(r.getString("kid"), Jws.publicKey(Base64.getDecoder().decode(r.getString("public_key")))));
    }

    private void store(String kid, PublicKey publicKey, PrivateKey privateKey) {
        pool.preparedQuery("insert into signing_key (kid, public_key, private_key, created_at) values ($1, $2, $3, $4) on conflict (kid) do nothing")
                .execute(Tuple.of(kid, Base64.getEncoder().encodeToString(publicKey.getEncoded()),
                        privateKey == null ? null : Base64.getEncoder().encodeToString(privateKey.getEncoded()),
                        clock.instant().atOffset(ZoneOffset.UTC)))
                .await().atMost(AWAIT);
    }

    static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no Ed25519 in this JDK", e);
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("certification.signing.private-key is not an Ed25519 PKCS#8 key", e);
        }
    }

    /**
     * The public half of a configured private key: the JDK has no API for it, but its generator makes
     * the pair of whatever 32-byte seed its random source gives, so it is handed the key's seed.
     */
    static PublicKey publicOf(PrivateKey key) {
        try {
            var spec = KeyFactory.getInstance("Ed25519").getKeySpec(key, java.security.spec.EdECPrivateKeySpec.class);
            byte[] seed = spec.getBytes();
            var generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedRandom(seed));
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key of certification.signing.private-key", e);
        }
    }

    /** Hands the generator the configured seed, so the pair it makes is the configured key's. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
