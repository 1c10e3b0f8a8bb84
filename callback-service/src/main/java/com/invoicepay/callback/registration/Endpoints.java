package com.invoicepay.callback.registration;

import com.invoicepay.callback.CallbackErrors;
import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.callback.security.CallbackUrls;
import com.invoicepay.callback.security.CredentialCipher;
import com.invoicepay.callback.security.WebhookSignature;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.nio.charset.StandardCharsets;

/**
 * The merchants' callback endpoints and signing secrets. Credentials and secrets are sealed with
 * {@link CredentialCipher} before they reach the database and opened only to send a callback (and
 * the signing secrets to show them to their merchant); they are never logged.
 */
@ApplicationScoped
public class Endpoints {
    public static final int MAX_CREDENTIAL_LENGTH = 1000;

    /** An endpoint with its opened authorization header value: never serialized, never logged. */
    public record Endpoint(UUID merchantId, String authType, String url, String authorization) {
        @Override
        public String toString() {
            return "Endpoint[" + merchantId + ", " + authType + ", " + url + "]";
        }
    }

    public record SigningSecret(UUID id, String secret, Instant createdAt, Instant expiresAt) {
    }

    private final Pool pool;
    private final CredentialCipher cipher;
    private final CallbackUrls urls;
    private final Clock clock;
    private final CallbackConfig config;

    public Endpoints(Pool pool, CredentialCipher cipher, CallbackUrls urls, Clock clock, CallbackConfig config) {
        this.pool = pool;
        this.cipher = cipher;
        this.urls = urls;
        this.clock = clock;
        this.config = config;
    }

    // ---- registration (blocking: DNS lookup of the URL) ------------------------------------------

    public void registerBasic(UUID merchantId, String username, String password, String callbackUrl) {
        required("Username", username);
        required("Password", password);
        required("CallbackUrl", callbackUrl);
        if (username.length() > 200 || password.length() > 200) {
            throw CallbackErrors.input(CallbackErrors.FIELD_TOO_LONG, "Username and Password are at most 200 characters.");
        }
        if (username.indexOf(':') >= 0 || hasControl(username)) {
            throw CallbackErrors.input(CallbackErrors.USERNAME_INVALID,
                    "Username must not contain ':' or control characters (it travels in a Basic Authorization header).");
        }
        if (hasControl(password)) {
            throw CallbackErrors.input(CallbackErrors.PASSWORD_INVALID, "Password must not contain control characters.");
        }
        urls.check(callbackUrl);
        String authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        store(merchantId, "Basic", callbackUrl, authorization);
    }

    public void registerApiKey(UUID merchantId, String apiKey, String callbackUrl) {
        required("ApiKey", apiKey);
        required("CallbackUrl", callbackUrl);
        if (apiKey.length() > MAX_CREDENTIAL_LENGTH) {
            throw CallbackErrors.input(CallbackErrors.FIELD_TOO_LONG, "ApiKey is at most " + MAX_CREDENTIAL_LENGTH + " characters.");
        }
        if (!validHeaderValue(apiKey)) {
            throw CallbackErrors.input(CallbackErrors.API_KEY_NOT_HEADER_VALUE,
                    "Provided apiKey is not valid and cannot be an Authorization header.");
        }
        urls.check(callbackUrl);
        store(merchantId, "ApiKey", callbackUrl, apiKey);
    }

    /** Visible ASCII with single inner spaces: what every HTTP stack sends unchanged. */
    static boolean validHeaderValue(String value) {
        if (value.isEmpty() || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw CallbackErrors.input(CallbackErrors.FIELD_REQUIRED, field + " is required.");
        }
    }

    private void store(UUID merchantId, String type, String url, String authorization) {
        CredentialCipher.Sealed sealed = cipher.seal(authorization, credentialContext(merchantId));
        OffsetDateTime now = at(clock.instant());
        pool.withTransaction(c -> c.preparedQuery("""
                                insert into callback_endpoint (merchant_id, auth_type, callback_url, credential_key_id, credential_ciphertext, updated_at)
                                values ($1, $2, $3, $4, $5, $6)
                                on conflict (merchant_id) do update set auth_type = excluded.auth_type, callback_url = excluded.callback_url,
                                  credential_key_id = excluded.credential_key_id, credential_ciphertext = excluded.credential_ciphertext,
                                  updated_at = excluded.updated_at""")
                        .execute(Tuple.of(merchantId, type, url, sealed.keyId(), sealed.ciphertext(), now))
                        // a batch waiting for its retry is due at once: the retry was scheduled against the old endpoint,
                        // and the merchant registering a new one should not wait hours for it
                        .chain(() -> c.preparedQuery("""
                                        insert into merchant_delivery (merchant_id) values ($1)
                                        on conflict (merchant_id) do update set next_attempt_at = $2
                                        where merchant_delivery.open_batch_id is not null and merchant_delivery.next_attempt_at > $2""")
                                .execute(Tuple.of(merchantId, now)))
                        .chain(() -> c.preparedQuery("""
                                        update callback_batch b set next_attempt_at = $2 from merchant_delivery d
                                        where d.merchant_id = $1 and b.id = d.open_batch_id and b.next_attempt_at > $2""")
                                .execute(Tuple.of(merchantId, now)))
                        .chain(() -> ensureSecret(c, merchantId)))
                .await().atMost(Duration.ofSeconds(30));
    }

    static String credentialContext(UUID merchantId) {
        return "callback-credential:" + merchantId;
    }

    static String secretContext(UUID merchantId) {
        return "signing-secret:" + merchantId;
    }

    // ---- reading for delivery ---------------------------------------------------------------------

    /** What a callback to one merchant needs, opened: its endpoint (none if unregistered) and the secrets that sign now. */
    public record Credentials(Optional<Endpoint> endpoint, List<String> signingSecrets) {
    }

    /**
     * The delivery credentials of many merchants in two statements, whatever their number. Each
     * merchant's are opened only when asked for, so a credential sealed under a key no longer
     * configured fails that merchant's batch alone, not the whole pass.
     */
    public Uni<Map<UUID, Supplier<Credentials>>> credentials(SqlClient client, List<UUID> merchantIds) {
        UUID[] ids = merchantIds.toArray(UUID[]::new);
        return client.preparedQuery("select * from callback_endpoint where merchant_id = any($1)").execute(Tuple.of(ids))
                .chain(endpointRows -> client.preparedQuery("""
                                select * from signing_secret where merchant_id = any($1) and (expires_at is null or expires_at > $2)
                                order by merchant_id, created_at desc, id""")
                        .execute(Tuple.of(ids, at(clock.instant())))
                        .map(secretRows -> {
                            Map<UUID, Row> endpointOf = new HashMap<>();
                            endpointRows.forEach(row -> endpointOf.put(row.getUUID("merchant_id"), row));
                            Map<UUID, List<Row>> secretsOf = new HashMap<>();
                            secretRows.forEach(row -> secretsOf.computeIfAbsent(row.getUUID("merchant_id"), m -> new ArrayList<>()).add(row));
                            Map<UUID, Supplier<Credentials>> credentials = new HashMap<>();
                            for (UUID merchant : merchantIds) {
                                credentials.put(merchant, () -> new Credentials(
                                        Optional.ofNullable(endpointOf.get(merchant)).map(this::openEndpoint),
                                        secretsOf.getOrDefault(merchant, List.of()).stream().map(row -> openSecret(row).secret()).toList()));
                            }
                            return credentials;
                        }));
    }

    private Endpoint openEndpoint(Row row) {
        UUID merchantId = row.getUUID("merchant_id");
        String authorization = cipher.open(new CredentialCipher.Sealed(row.getString("credential_key_id"),
                row.getString("credential_ciphertext")), credentialContext(merchantId));
        return new Endpoint(merchantId, row.getString("auth_type"), row.getString("callback_url"), authorization);
    }

    // ---- signing secrets -------------------------------------------------------------------------

    /** The merchant's secrets that sign now, newest first (two during a rotation's overlap). */
    public Uni<List<SigningSecret>> activeSecrets(SqlClient client, UUID merchantId) {
        return client.preparedQuery("""
                        select * from signing_secret where merchant_id = $1 and (expires_at is null or expires_at > $2)
                        order by created_at desc, id""")
                .execute(Tuple.of(merchantId, at(clock.instant())))
                .map(rows -> {
                    List<SigningSecret> secrets = new ArrayList<>();
                    rows.forEach(row -> secrets.add(openSecret(row)));
                    return secrets;
                });
    }

    private SigningSecret openSecret(Row row) {
        return new SigningSecret(row.getUUID("id"),
                cipher.open(new CredentialCipher.Sealed(row.getString("key_id"), row.getString("secret_ciphertext")),
                        secretContext(row.getUUID("merchant_id"))),
                row.getOffsetDateTime("created_at").toInstant(),
                Optional.ofNullable(row.getOffsetDateTime("expires_at")).map(OffsetDateTime::toInstant).orElse(null));
    }

    public List<SigningSecret> secrets(UUID merchantId) {
        return pool.withTransaction(c -> ensureSecret(c, merchantId).chain(() -> activeSecrets(c, merchantId)))
                .await().atMost(Duration.ofSeconds(30));
    }

    /** A new secret signs from now on; the current ones keep signing until the overlap ends. */
    public List<SigningSecret> rotate(UUID merchantId, Duration overlap) {
        Duration keep = overlap == null ? config.signingSecretOverlap() : overlap;
        if (keep.isNegative() || keep.compareTo(Duration.ofDays(7)) > 0) {
            throw CallbackErrors.input(CallbackErrors.OVERLAP_INVALID, "OverlapSeconds must be between 0 and 604800 (7 days).");
        }
        Instant now = clock.instant();
        return pool.withTransaction(c -> c.preparedQuery("""
                                update signing_secret set expires_at = $3
                                where merchant_id = $1 and (expires_at is null or expires_at > $3) and created_at <= $2""")
                        .execute(Tuple.of(merchantId, at(now), at(now.plus(keep))))
                        .chain(() -> insertSecret(c, merchantId, now))
                        .chain(() -> activeSecrets(c, merchantId)))
                .await().atMost(Duration.ofSeconds(30));
    }

    Uni<Void> ensureSecret(SqlClient c, UUID merchantId) {
        return c.preparedQuery("select pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of("secret:" + merchantId))
                .chain(() -> activeSecrets(c, merchantId))
                .chain(secrets -> secrets.isEmpty() ? insertSecret(c, merchantId, clock.instant()) : Uni.createFrom().voidItem());
    }

    private Uni<Void> insertSecret(SqlClient c, UUID merchantId, Instant now) {
        CredentialCipher.Sealed sealed = cipher.seal(WebhookSignature.newSecret(), secretContext(merchantId));
        return c.preparedQuery("""
                        insert into signing_secret (id, merchant_id, key_id, secret_ciphertext, created_at)
                        values ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(UUID.randomUUID(), merchantId, sealed.keyId(), sealed.ciphertext(), at(now)))
                .replaceWithVoid();
    }

    public static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
