package com.invoicepay.certification.onboarding;

import com.invoicepay.common.config.PlatformConfig;
import com.invoicepay.common.persistence.UniqueViolations;
import com.invoicepay.common.web.ApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static com.invoicepay.certification.onboarding.OnboardingErrors.*;

/**
 * The onboarding lifecycle: integrators, their apps (Keycloak clients), API subscriptions (the clients' optional
 * scopes), redirect URIs awaiting an administrator's approval, and merchants' consents. Each act is audited in its
 * own transaction (the callers open it); Keycloak is changed inside that transaction, so a refused Keycloak call
 * stores nothing. Creating an app commits its own transaction after creating the client, and deletes the client
 * again when that commit fails.
 */
@ApplicationScoped
public class OnboardingService {
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,100}");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._@-]{3,100}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MAX_INTEGRATOR_NAME = 200;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** unique (integrator_id, name) of V20 */
    private static final String APP_NAME_CONSTRAINT = "integrator_app_integrator_id_name_key";

    public record NewIntegrator(String name) {
    }

    public record NewApp(String name, String environment) {
    }

    public record NewUser(String username, String email, String firstName, String lastName) {
    }

    /** A user just created: the only time its temporary password is shown. */
    public record CreatedUser(String userId, String username, String integratorId, String temporaryPassword) {
    }

    public record NewRedirectUri(String uri) {
    }

    public record Decision(String reason) {
    }

    /** An app just created or rotated: the only time its secret leaves Keycloak. */
    public record Credentials(IntegratorApp app, String clientSecret) {
    }

    /** A merchant's consent to an onboarded app, as Keycloak keeps it. */
    public record Consent(String clientId, String appName, String integratorId, String integratorName,
                          List<String> scopes, Instant grantedAt, Instant lastUpdatedAt) {
    }

    private final KeycloakApps keycloak;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean sandboxMode;

    public OnboardingService(KeycloakApps keycloak, AuditLog audit, Clock clock, PlatformConfig platform) {
        this.keycloak = keycloak;
        this.audit = audit;
        this.clock = clock;
        this.sandboxMode = platform.sandbox();
    }

    // --- integrators ---

    public Uni<Integrator> registerIntegrator(NewIntegrator body, String actor) {
        String name = body == null ? null : trimmed(body.name());
        if (name == null) {
            return Uni.createFrom().failure(input(FIELD_REQUIRED, "name is required."));
        }
        String id = slug(name);
        if (name.length() > MAX_INTEGRATOR_NAME || id.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            return Uni.createFrom().failure(input(FIELD_INVALID,
                    "name must be 1-" + MAX_INTEGRATOR_NAME + " printable characters with at least one letter or digit."));
        }
        return Integrator.count("id = ?1 or lower(name) = ?2", id, name.toLowerCase(Locale.ROOT)).chain(taken -> {
            if (taken > 0) {
                throw integratorNameTaken(name, id);
            }
            Integrator integrator = new Integrator();
            integrator.id = id;
            integrator.name = name;
            integrator.createdAt = Instant.now(clock);
            integrator.createdBy = actor;
            return integrator.<Integrator>persist()
                    .call(Panache::flush) // the same name registered at once by another request: refused as above
                    .onFailure(UniqueViolations.of("integrator_pkey").or(UniqueViolations.of("integrator_name_key")))
                    .transform(meanwhile -> integratorNameTaken(name, id))
                    .call(() -> audit.record(actor, "INTEGRATOR_REGISTERED", id, null, "name=" + name));
        });
    }

    private static ApiException integratorNameTaken(String name, String id) {
        return conflict(INTEGRATOR_NAME_TAKEN, "An integrator named '" + name + "' (id " + id + ") is already registered.");
    }

    public Uni<Integrator> integrator(String id) {
        return Integrator.<Integrator>findById(id).map(found -> {
            if (found == null) {
                throw notFound(INTEGRATOR_NOT_FOUND, "No integrator " + id + ".");
            }
            return found;
        });
    }

    /** An integrator's user in Keycloak (attribute integrator_id) with a temporary password, shown once. */
    public Uni<CreatedUser> createUser(Integrator integrator, NewUser body, String actor) {
        if (body == null) {
            return Uni.createFrom().failure(input(FIELD_REQUIRED, "username is required."));
        }
        for (String[] field : new String[][]{{"username", body.username()}, {"email", body.email()},
                {"firstName", body.firstName()}, {"lastName", body.lastName()}}) {
            if (trimmed(field[1]) == null) {
                return Uni.createFrom().failure(input(FIELD_REQUIRED, field[0] + " is required."));
            }
            if (field[1].trim().length() > 255) {
                return Uni.createFrom().failure(input(FIELD_INVALID, field[0] + " is longer than 255 characters."));
            }
        }
        String username = body.username().trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(username).matches()) {
            return Uni.createFrom().failure(input(FIELD_INVALID, "username must be 3-100 of a-z 0-9 . _ - @"));
        }
        if (!EMAIL.matcher(body.email().trim()).matches()) {
            return Uni.createFrom().failure(input(FIELD_INVALID, "email is not an email address."));
        }
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(18));
        return keycloak.createIntegratorUser(username, body.email().trim(), body.firstName().trim(), body.lastName().trim(),
                integrator.id, password).chain(created -> {
            if (created.isEmpty()) {
                throw conflict(USER_TAKEN, "A user with username " + username + " or that email already exists.");
            }
            return audit.record(actor, "INTEGRATOR_USER_CREATED", integrator.id, null, "username=" + username)
                    .replaceWith(new CreatedUser(created.get(), username, integrator.id, password));
        });
    }

    public Uni<List<JsonObject>> users(Integrator integrator) {
        return keycloak.integratorUsers(integrator.id);
    }

    /** Disables or enables one of the integrator's users; a disabled user's sessions end and it gets no token. */
    public Uni<JsonObject> setUserEnabled(Integrator integrator, UUID userId, boolean enabled, String actor) {
        return integratorUser(integrator, userId).chain(user -> {
            if (user.getBoolean("enabled", true) == enabled) {
                return Uni.createFrom().item(user); // already so: nothing to do, nothing to record
            }
            return keycloak.setUserEnabled(user, enabled)
                    .call(() -> audit.record(actor, enabled ? "INTEGRATOR_USER_ENABLED" : "INTEGRATOR_USER_DISABLED", integrator.id, null,
                            "username=" + user.getString("username")))
                    .replaceWith(() -> user.copy().put("enabled", enabled));
        });
    }

    /** Deletes one of the integrator's users from Keycloak, with its sessions and credentials. */
    public Uni<Void> deleteUser(Integrator integrator, UUID userId, String actor) {
        return integratorUser(integrator, userId).chain(user -> keycloak.deleteUser(user.getString("id"))
                .call(() -> audit.record(actor, "INTEGRATOR_USER_DELETED", integrator.id, null, "username=" + user.getString("username"))));
    }

    private Uni<JsonObject> integratorUser(Integrator integrator, UUID userId) {
        return keycloak.integratorUser(userId.toString(), integrator.id).map(found -> found.orElseThrow(() ->
                notFound(USER_NOT_FOUND, "Integrator " + integrator.id + " has no user " + userId + ".")));
    }

    // --- apps ---

    public Uni<Credentials> createApp(Integrator integrator, NewApp body, String actor) {
        String name = body == null ? null : trimmed(body.name());
        if (name == null) {
            return Uni.createFrom().failure(input(FIELD_REQUIRED, "name is required."));
        }
        if (!APP_NAME.matcher(name).matches()) {
            return Uni.createFrom().failure(input(FIELD_INVALID, "name must be 1-100 letters, digits, spaces or ._-"));
        }
        String wireEnvironment = trimmed(body.environment()) == null ? Environment.SANDBOX.wire() : body.environment().trim();
        Environment environment = Environment.of(wireEnvironment).orElse(null);
        if (environment == null) {
            return Uni.createFrom().failure(input(ENVIRONMENT_UNKNOWN, "environment must be sandbox or production."));
        }
        return IntegratorApp.count("integratorId = ?1 and lower(name) = ?2", integrator.id, name.toLowerCase(Locale.ROOT))
                .chain(taken -> {
                    if (taken > 0) {
                        throw appNameTaken(integrator, name);
                    }
                    String clientId = integrator.id + "-" + slug(name) + "-" + HexFormat.of().formatHex(randomBytes(3));
                    return keycloak.createClient(clientId, name, integrator.id, environment).chain(created -> {
                        IntegratorApp app = new IntegratorApp();
                        app.id = UUID.randomUUID();
                        app.integratorId = integrator.id;
                        app.name = name;
                        app.environment = environment.wire();
                        app.clientId = clientId;
                        app.keycloakId = created.keycloakId();
                        app.subscriptions = "";
                        app.createdAt = Instant.now(clock);
                        // committed here, so that a failing commit (the row is written only then) is seen below
                        return Panache.withTransaction(() -> app.<IntegratorApp>persist()
                                        .call(() -> audit.record(actor, "APP_CREATED", integrator.id, app, "environment=" + app.environment)))
                                .map(saved -> new Credentials(saved, created.secret()))
                                // a client the database does not know would be unreachable through this API
                                .onFailure().call(() -> keycloak.deleteClient(created.keycloakId()).onFailure().recoverWithNull())
                                .onFailure(UniqueViolations.of(APP_NAME_CONSTRAINT)).transform(e -> appNameTaken(integrator, name));
                    });
                });
    }

    private static ApiException appNameTaken(Integrator integrator, String name) {
        return conflict(APP_NAME_TAKEN, "Integrator " + integrator.id + " already has an app named '" + name + "'.");
    }


    public Uni<IntegratorApp> app(UUID id) {
        return IntegratorApp.<IntegratorApp>findById(id).map(found -> {
            if (found == null) {
                throw notFound(APP_NOT_FOUND, "No app " + id + ".");
            }
            return found;
        });
    }

    public Uni<List<IntegratorApp>> apps(String integratorId) {
        return IntegratorApp.list("integratorId = ?1 order by createdAt", integratorId);
    }

    public Uni<Credentials> rotateSecret(IntegratorApp app, String actor) {
        return keycloak.rotateSecret(app.keycloakId)
                .call(() -> audit.record(actor, "SECRET_ROTATED", app.integratorId, app, null))
                .map(secret -> new Credentials(app, secret));
    }

    public Uni<Void> deleteApp(IntegratorApp app, String actor) {
        return keycloak.deleteClient(app.keycloakId)
                .chain(() -> RedirectUri.delete("appId", app.id))
                .chain(() -> app.delete())
                .call(() -> audit.record(actor, "APP_DELETED", app.integratorId, app, "name=" + app.name));
    }

    // --- subscriptions ---

    public Uni<IntegratorApp> subscribe(IntegratorApp app, String api, String actor) {
        Api known = knownApi(api);
        if (!known.availableIn(Environment.of(app.environment).orElseThrow())) {
            return Uni.createFrom().failure(input(API_NOT_IN_ENVIRONMENT, "API " + api + " is not available to a " + app.environment + " app."));
        }
        Set<String> apis = new LinkedHashSet<>(app.subscribedApis());
        if (!apis.add(known.scope())) {
            return Uni.createFrom().item(app); // already subscribed: nothing to do, nothing to record
        }
        app.subscriptions = String.join(",", apis);
        return keycloak.addOptionalScope(app.keycloakId, known.scope())
                .call(() -> audit.record(actor, "SUBSCRIBED", app.integratorId, app, "api=" + known.scope()))
                .replaceWith(app);
    }

    public Uni<IntegratorApp> unsubscribe(IntegratorApp app, String api, String actor) {
        Api known = knownApi(api);
        List<String> apis = new ArrayList<>(app.subscribedApis());
        if (!apis.remove(known.scope())) {
            return Uni.createFrom().item(app);
        }
        app.subscriptions = String.join(",", apis);
        return keycloak.removeOptionalScope(app.keycloakId, known.scope())
                .call(() -> audit.record(actor, "UNSUBSCRIBED", app.integratorId, app, "api=" + known.scope()))
                .replaceWith(app);
    }

    private static Api knownApi(String api) {
        return Api.of(api).orElseThrow(() -> input(API_UNKNOWN, "Unknown API '" + api + "'; the APIs are " + Api.scopes() + "."));
    }

    // --- redirect URIs ---

    public Uni<List<RedirectUri>> redirectUris(UUID appId) {
        return RedirectUri.list("appId = ?1 order by requestedAt", appId);
    }

    /** The redirect URIs of these apps, oldest first. */
    public Uni<List<RedirectUri>> redirectUrisOf(List<IntegratorApp> apps) {
        return apps.isEmpty() ? Uni.createFrom().item(List.of())
                : RedirectUri.list("appId in ?1 order by requestedAt", apps.stream().map(a -> a.id).toList());
    }

    /** The apps of these redirect URIs. */
    public Uni<List<IntegratorApp>> appsOf(List<RedirectUri> redirectUris) {
        return redirectUris.isEmpty() ? Uni.createFrom().item(List.of())
                : IntegratorApp.list("id in ?1", redirectUris.stream().map(r -> r.appId).distinct().toList());
    }

    public Uni<List<RedirectUri>> redirectUrisIn(String status) {
        return RedirectUri.list("status = ?1 order by requestedAt", status);
    }

    public Uni<RedirectUri> redirectUri(UUID id) {
        return RedirectUri.<RedirectUri>findById(id).map(found -> {
            if (found == null) {
                throw notFound(REDIRECT_URI_NOT_FOUND, "No redirect URI " + id + ".");
            }
            return found;
        });
    }

    /** Stored as PENDING: Keycloak accepts it only once an administrator approved it. */
    public Uni<RedirectUri> requestRedirectUri(IntegratorApp app, NewRedirectUri body, String actor) {
        String uri;
        try {
            uri = RedirectUriRules.check(body == null ? null : body.uri(), Environment.of(app.environment).orElseThrow(), sandboxMode);
        } catch (RuntimeException refused) {
            return Uni.createFrom().failure(refused);
        }
        return RedirectUri.count("appId = ?1 and uri = ?2", app.id, uri).chain(taken -> {
            if (taken > 0) {
                throw redirectUriDuplicate(uri);
            }
            RedirectUri redirect = new RedirectUri();
            redirect.id = UUID.randomUUID();
            redirect.appId = app.id;
            redirect.uri = uri;
            redirect.status = RedirectUri.PENDING;
            redirect.requestedAt = Instant.now(clock);
            redirect.requestedBy = actor;
            return redirect.<RedirectUri>persist()
                    .call(Panache::flush) // the same URI asked for at once by another request: refused as above
                    .onFailure(UniqueViolations.of("redirect_uri_app_id_uri_key")).transform(meanwhile -> redirectUriDuplicate(uri))
                    .call(() -> audit.record(actor, "REDIRECT_URI_REQUESTED", app.integratorId, app, uri));
        });
    }

    private static ApiException redirectUriDuplicate(String uri) {
        return conflict(REDIRECT_URI_DUPLICATE, "The app already asked for redirect URI " + uri + ".");
    }

    public Uni<RedirectUri> decide(RedirectUri redirect, boolean approve, String reason, String actor) {
        if (!RedirectUri.PENDING.equals(redirect.status)) {
            return Uni.createFrom().failure(conflict(REDIRECT_URI_DECIDED, "Redirect URI " + redirect.id + " is already " + redirect.status + "."));
        }
        if (reason != null && reason.length() > 500) {
            return Uni.createFrom().failure(input(FIELD_INVALID, "reason is longer than 500 characters."));
        }
        redirect.status = approve ? RedirectUri.APPROVED : RedirectUri.REJECTED;
        redirect.decidedAt = Instant.now(clock);
        redirect.decidedBy = actor;
        redirect.reason = trimmed(reason);
        return app(redirect.appId).call(app -> approve ? registerApproved(app) : Uni.createFrom().voidItem())
                .call(app -> audit.record(actor, approve ? "REDIRECT_URI_APPROVED" : "REDIRECT_URI_REJECTED", app.integratorId, app,
                        redirect.uri + (redirect.reason == null ? "" : " reason=" + redirect.reason)))
                .replaceWith(redirect);
    }

    public Uni<Void> removeRedirectUri(IntegratorApp app, RedirectUri redirect, String actor) {
        boolean wasApproved = RedirectUri.APPROVED.equals(redirect.status);
        return redirect.delete()
                .call(() -> wasApproved ? registerApproved(app) : Uni.createFrom().voidItem())
                .call(() -> audit.record(actor, "REDIRECT_URI_REMOVED", app.integratorId, app, redirect.uri));
    }

    /** Keycloak's redirect URIs of the app become exactly its approved ones. */
    private Uni<Void> registerApproved(IntegratorApp app) {
        return RedirectUri.<RedirectUri>list("appId = ?1 and status = ?2", app.id, RedirectUri.APPROVED)
                .chain(approved -> keycloak.setRedirectUris(app.keycloakId, approved.stream().map(r -> r.uri).toList()));
    }

    // --- merchants' consents ---

    public Uni<List<Consent>> consents(String merchantUser) {
        return keycloak.consents(merchantUser).chain(grants -> {
            List<String> clientIds = new ArrayList<>();
            for (int i = 0; i < grants.size(); i++) {
                clientIds.add(grants.getJsonObject(i).getString("clientId"));
            }
            if (clientIds.isEmpty()) {
                return Uni.createFrom().item(List.<Consent>of());
            }
            return IntegratorApp.<IntegratorApp>list("clientId in ?1", clientIds)
                    .chain(apps -> apps.isEmpty() ? Uni.createFrom().item(List.<Consent>of())
                            : Integrator.<Integrator>list("id in ?1", apps.stream().map(a -> a.integratorId).distinct().toList())
                            .map(integrators -> {
                        List<Consent> consents = new ArrayList<>();
                        for (int i = 0; i < grants.size(); i++) {
                            JsonObject grant = grants.getJsonObject(i);
                            apps.stream().filter(a -> a.clientId.equals(grant.getString("clientId"))).findFirst().ifPresent(app ->
                                    consents.add(new Consent(app.clientId, app.name, app.integratorId,
                                            integrators.stream().filter(g -> g.id.equals(app.integratorId)).map(g -> g.name).findFirst().orElse(null),
                                            scopes(grant.getJsonArray("grantedClientScopes")), instant(grant.getLong("createdDate")),
                                            instant(grant.getLong("lastUpdatedDate")))));
                        }
                        return consents;
                    }));
        });
    }

    /** Keycloak revokes the consent, the app's offline tokens and its sessions of that merchant: refresh tokens stop. */
    public Uni<Void> revokeConsent(String merchantUser, String merchantId, String clientId, String actor) {
        return IntegratorApp.<IntegratorApp>find("clientId", clientId).firstResult().chain(app -> {
            if (app == null) {
                throw notFound(CONSENT_NOT_FOUND, "No consent to an integrator's app " + clientId + ".");
            }
            return keycloak.revokeConsent(merchantUser, clientId).chain(revoked -> {
                if (!revoked) {
                    throw notFound(CONSENT_NOT_FOUND, "No consent to an integrator's app " + clientId + ".");
                }
                return audit.record(actor, "CONSENT_REVOKED", app.integratorId, app, "merchant_id=" + merchantId);
            });
        });
    }

    private static List<String> scopes(JsonArray granted) {
        List<String> scopes = new ArrayList<>();
        if (granted != null) {
            granted.forEach(s -> scopes.add(String.valueOf(s)));
        }
        return scopes;
    }

    private static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }

    // --- names ---

    /** Lower-case letters and digits joined by single hyphens: "Acme Systems A/S" → "acme-systems-a-s". */
    static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return slug.length() > 60 ? slug.substring(0, 60).replaceAll("-+$", "") : slug;
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
