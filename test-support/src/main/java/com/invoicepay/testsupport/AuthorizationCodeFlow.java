package com.invoicepay.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A merchant consenting to an app as a browser would, against the real Keycloak: the authorization-code flow with
 * PKCE, Keycloak's login form and its consent screen, then the code exchanged by the app. Each instance is a fresh
 * browser (its own cookies), so every flow shows the login form. Used by certification-service's onboarding tests
 * and system-tests for apps created through the Onboarding API.
 */
public final class AuthorizationCodeFlow {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
    private static final Pattern HIDDEN_CODE = Pattern.compile("name=\"code\" value=\"([^\"]+)\"");

    /** What the authorization endpoint answered: the login form, or Keycloak's refusal (e.g. an unknown redirect_uri). */
    public record Authorization(int status, String body) {
        public boolean showsLoginForm() {
            return status == 200 && body.contains("kc-form-login");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    /**
     * Keycloak's cookies, kept by hand: they are marked Secure, which the JDK's CookieManager never sends over plain
     * http, while browsers treat 127.0.0.1 as a secure context.
     */
    private final Map<String, String> cookies = new LinkedHashMap<>();
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
        query.put("state", "onboarding-test");
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        HttpResponse<String> response = get(LocalStack.KEYCLOAK + "/realms/" + LocalStack.REALM
                + "/protocol/openid-connect/auth?" + form(query));
        authorization = new Authorization(response.statusCode(), response.body());
        return authorization;
    }

    /** Logs the merchant in, accepts the consent screen if shown, exchanges the code: the token response. */
    public JsonNode consent(LocalStack.User merchant, String clientSecret) throws Exception {
        if (authorization == null || !authorization.showsLoginForm()) {
            throw new IllegalStateException("no login form: " + (authorization == null ? "not authorized" : authorization.status()));
        }
        HttpResponse<String> response = post(action(authorization.body()), Map.of("username", merchant.username(),
                "password", merchant.password(), "credentialId", ""));
        String code = null;
        for (int step = 0; step < 5 && code == null; step++) {
            if (response.statusCode() == 302) {
                String location = response.headers().firstValue("Location").orElseThrow();
                if (location.startsWith(redirectUri)) {
                    code = queryValue(location, "code");
                } else {
                    response = get(location);
                }
            } else if (response.statusCode() == 200 && response.body().contains("login-actions/consent")) {
                Matcher hidden = HIDDEN_CODE.matcher(response.body());
                if (!hidden.find()) {
                    throw new IllegalStateException("consent screen without its code");
                }
                response = post(action(response.body()), Map.of("code", hidden.group(1), "accept", "Yes"));
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
        HttpResponse<String> token = post(LocalStack.TOKEN_URL, exchange);
        if (token.statusCode() != 200) {
            throw new IllegalStateException("code exchange answered HTTP " + token.statusCode() + " " + token.body());
        }
        return JSON.readTree(token.body());
    }

    private static String action(String page) {
        Matcher m = FORM_ACTION.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no form on Keycloak's page");
        }
        String action = m.group(1).replace("&amp;", "&");
        return action.startsWith("/") ? LocalStack.KEYCLOAK + action : action;
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

    private HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            String[] nameValue = cookie.split(";", 2)[0].split("=", 2);
            cookies.put(nameValue[0].trim(), nameValue.length == 2 ? nameValue[1] : "");
        }
        return response;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
