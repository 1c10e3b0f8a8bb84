package com.invoicepay.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's HTTP side for login flows over plain HTTP: cookies kept, redirects not followed (the caller sees each
 * one), forms submitted to their action. Cookies are kept by hand: Keycloak's and Quarkus's are marked Secure, which
 * the JDK's CookieManager never sends over plain http, while browsers treat 127.0.0.1 as a secure context. One
 * instance is one browser profile; cookies are sent to every host (tests talk to 127.0.0.1 only).
 */
public final class Browser {
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();

    public HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    /** Submits the first form of {@code html} (a page of {@code origin}, for a relative action) with these fields. */
    public HttpResponse<String> submit(String origin, String html, Map<String, String> fields) throws Exception {
        Matcher m = FORM_ACTION.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no form on the page: " + html.substring(0, Math.min(500, html.length())));
        }
        String action = m.group(1).replace("&amp;", "&");
        return post(action.startsWith("/") ? origin + action : action, fields);
    }

    /** The cookies this browser holds, by name (e.g. to hand a session to another browser). */
    public Map<String, String> cookies() {
        return cookies;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            String[] nameValue = cookie.split(";", 2)[0].split("=", 2);
            String value = nameValue.length == 2 ? nameValue[1] : "";
            if (value.isEmpty() || cookie.toLowerCase().contains("max-age=0")) {
                cookies.remove(nameValue[0].trim()); // deleted by the server
            } else {
                cookies.put(nameValue[0].trim(), value);
            }
        }
        return response;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
