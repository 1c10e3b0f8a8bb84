package com.invoicepay.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A merchant consenting to an app as a browser would, against the real Keycloak: the authorization-code flow with
 * PKCE, Keycloak's login form and its consent screen, then the code exchanged by the app. Each instance is a fresh
 * browser (its own cookies), so every flow shows the login form. Used by certification-service's onboarding tests
 * and system-tests for apps created through the Onboarding API.
 */
public final class AuthorizationCodeFlow {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HIDDEN_CODE = Pattern.compile("name=\"code\" value=\"([^\"]+)\"");

    /** What the authorization endpoint answered: the login form, or Keycloak's refusal (e.g. an unknown redirect_uri). */
    public record Authorization(int status, String body) {
        public boolean showsLoginForm() {
            return status == 200 && body.contains("kc-form-login");
        }
    }

    private final Browser browser = new Browser();
    private final String clientId;
    private final String redirectUri;
    private final String verifier;
    private Authorization authorization;

    public AuthorizationCodeFlow(String clientId, String redirectUri) {
        this.clientId = clientId;
        this.redirectUri = redirectUri;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public Authorization authorize(String scope) throws Exception {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", scope);
        query.put("state", "authorization-code-flow");
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        HttpResponse<String> response = browser.get(LocalStack.KEYCLOAK + "/realms/" + LocalStack.REALM
                + "/protocol/openid-connect/auth?" + Browser.form(query));
        authorization = new Authorization(response.statusCode(), response.body());
        return authorization;
    }

    /** Logs the merchant in, accepts the consent screen if shown, exchanges the code: the token response. */
    public JsonNode consent(LocalStack.User merchant, String clientSecret) throws Exception {
        if (authorization == null || !authorization.showsLoginForm()) {
            throw new IllegalStateException("no login form: " + (authorization == null ? "not authorized" : authorization.status()));
        }
        HttpResponse<String> response = browser.submit(LocalStack.KEYCLOAK, authorization.body(), Map.of("username", merchant.username(),
                "password", merchant.password(), "credentialId", ""));
        String code = null;
        for (int step = 0; step < 5 && code == null; step++) {
            if (response.statusCode() == 302) {
                String location = response.headers().firstValue("Location").orElseThrow();
                if (location.startsWith(redirectUri)) {
                    code = queryValue(location, "code");
                } else {
                    response = browser.get(location);
                }
            } else if (response.statusCode() == 200 && response.body().contains("login-actions/consent")) {
                Matcher hidden = HIDDEN_CODE.matcher(response.body());
                if (!hidden.find()) {
                    throw new IllegalStateException("consent screen without its code");
                }
                response = browser.submit(LocalStack.KEYCLOAK, response.body(), Map.of("code", hidden.group(1), "accept", "Yes"));
            } else {
                throw new IllegalStateException("Keycloak answered HTTP " + response.statusCode() + " during login: "
                        + response.body().substring(0, Math.min(500, response.body().length())));
            }
        }
        if (code == null) {
            throw new IllegalStateException("no authorization code after login and consent");
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", code);
        exchange.put("redirect_uri", redirectUri);
        exchange.put("client_id", clientId);
        exchange.put("client_secret", clientSecret);
        exchange.put("code_verifier", verifier);
        HttpResponse<String> token = browser.post(LocalStack.TOKEN_URL, exchange);
        if (token.statusCode() != 200) {
            throw new IllegalStateException("code exchange answered HTTP " + token.statusCode() + " " + token.body());
        }
        return JSON.readTree(token.body());
    }

    private static String queryValue(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name) && kv.length == 2) {
                return java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
