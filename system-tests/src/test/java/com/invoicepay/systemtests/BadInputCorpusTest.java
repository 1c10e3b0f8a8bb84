package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The bad-input corpus of issue #7 against every public endpoint of the running stack: the files under
 * {@code src/test/resources/bad-input/} list the endpoints, the bodies no JSON endpoint may accept, the
 * endpoint-specific bad bodies (merge patches on a valid body), the path ids that are not ids and the
 * reporting queries to refuse. Every answer must be the expected 4xx with the API's documented error body
 * (the Invoice API's snake_case body or reporting.yaml's Error), JSON, and never a stack trace.
 */
class BadInputCorpusTest {
    static final String DIR = "/bad-input/";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern STACK_TRACE = Pattern.compile("(?m)(^\\s*at [a-zA-Z_$][\\w$]*\\.|Caused by:|\\w+Exception\\b|<html)");
    static final String UNKNOWN_ID = UUID.randomUUID().toString();
    static final AtomicInteger SENT = new AtomicInteger();

    record Endpoint(String name, int port, String method, String path, String caller, String body, String errors) {
        boolean hasPathId() {
            return path.contains("{id}") || path.contains("{merchant}");
        }
    }

    /** One request of the corpus and the status it must get ({@code 0}: any 4xx). */
    record Case(String label, Endpoint endpoint, String url, String contentType, byte[] body, int expected) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> corpus() {
        List<Endpoint> endpoints = rows("endpoints.tsv").stream()
                .map(r -> new Endpoint(r[0], Integer.parseInt(r[1]), r[2], r[3], r[4], r[5], r[6])).toList();
        Map<String, Endpoint> byName = new ConcurrentHashMap<>();
        endpoints.forEach(e -> byName.put(e.name(), e));
        List<Case> cases = new ArrayList<>();

        for (String[] body : rows("bodies.tsv")) {
            for (Endpoint e : endpoints) {
                if (e.body().equals("json")) {
                    cases.add(new Case(e.name() + " <- " + body[0], e, url(e, null, ""), body[1], generate(body[3]), expected(body[2])));
                }
            }
        }
        JsonNode bases = read("bases.json");
        for (String[] field : rows("fields.tsv")) {
            Endpoint e = byName.get(field[0]);
            assertNotNull(e, "fields.tsv names an endpoint of endpoints.tsv: " + field[0]);
            String text = field.length > 3 ? field[3] : "";
            byte[] body;
            if (e.body().equals("csv")) {
                body = unescape(text.substring(1)).getBytes(StandardCharsets.UTF_8);
            } else if (text.startsWith("=")) {
                body = substitute(text.substring(1)).getBytes(StandardCharsets.UTF_8);
            } else {
                JsonNode base = bases.get(e.name());
                assertNotNull(base, "bases.json has a valid body for " + e.name());
                body = substitute(merge(base.deepCopy(), parse(text)).toString()).getBytes(StandardCharsets.UTF_8);
            }
            String type = e.body().equals("csv") ? "text/csv" : "application/json";
            cases.add(new Case(e.name() + " <- " + field[1], e, url(e, null, ""), type, body, expected(field[2])));
        }
        for (String[] id : rows("ids.tsv")) {
            for (Endpoint e : endpoints) {
                if (e.hasPathId()) {
                    byte[] body = e.body().equals("json") ? jsonBase(bases, e) : e.body().equals("csv") ? new byte[0] : null;
                    cases.add(new Case(e.name() + " <- id " + id[0], e, url(e, id[1], ""), e.body().equals("csv") ? "text/csv" : "application/json", body, 0));
                }
            }
        }
        for (String[] query : rows("queries.tsv")) {
            Endpoint e = endpoints.stream().filter(x -> x.path().equals(query[0])).findFirst().orElseThrow();
            cases.add(new Case(e.name() + " <- query " + query[1], e, url(e, null, "?" + query[2]), null, null, 400));
        }
        System.out.printf("bad-input corpus: %d endpoints, %d requests%n", endpoints.size(), cases.size());
        return cases.stream().map(c -> Arguments.of(c));
    }

    @AfterAll
    static void count() {
        System.out.printf("bad-input corpus: %d requests sent (429 retries included)%n", SENT.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithTheDocumentedErrorBody(Case c) throws Exception {
        HttpResponse<String> response = send(c);
        String body = response.body();
        String where = c.label() + ": HTTP " + response.statusCode() + " " + abbreviate(body);
        // the resource of an id that exists nowhere may be looked up before the body is read: its 404 is as right as a 400
        boolean unknownResource = c.expected() == 400 && c.endpoint().path().contains("{id}") && response.statusCode() == 404;
        if (c.expected() == 0) {
            assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, "a 4xx, " + where);
        } else if (!unknownResource) {
            assertEquals(c.expected(), response.statusCode(), where);
        }
        assertFalse(STACK_TRACE.matcher(body).find(), "no stack trace, no exception name, no HTML: " + where);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "JSON, " + where);
        JsonNode error = JSON.readTree(body);
        if (c.endpoint().errors().equals("reporting")) {
            assertTrue(error.path("code").asText().matches("\\d{5}"), "reporting.yaml Error: code, " + where);
            assertFalse(error.path("message").asText().isBlank(), "reporting.yaml Error: message, " + where);
            assertFalse(error.path("correlationId").asText().isBlank(), "reporting.yaml Error: correlationId, " + where);
        } else {
            assertTrue(error.path("error").asText().matches("InputError|DomainError"), "the client's mistake is no ServerError, " + where);
            assertTrue(error.path("error_code").asText().matches("\\d{5}"), "error_code, " + where);
            assertFalse(error.path("error_description").asText().isBlank(), "error_description, " + where);
            assertFalse(error.path("correlation_id").asText().isBlank(), "correlation_id, " + where);
        }
    }

    /** Sends once more after a 429's Retry-After: the corpus asserts the answer to the input, not to the burst. */
    static HttpResponse<String> send(Case c) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(c.url())).timeout(Duration.ofSeconds(30))
                    .method(c.endpoint().method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(c.body()));
            if (c.contentType() != null && c.body() != null) {
                request.header("Content-Type", c.contentType());
            }
            authenticate(request, c.endpoint().caller());
            SENT.incrementAndGet();
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException closedEarly) {
                // a server may answer and close before it has read a huge body; the answer is lost then, so say so
                throw new AssertionError(c.label() + ": the connection failed before an answer: " + closedEarly, closedEarly);
            }
            if (response.statusCode() != 429 || attempt == 5) {
                return response;
            }
            Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        }
    }

    static void authenticate(HttpRequest.Builder request, String caller) {
        switch (caller) {
            case "invoice" -> Tokens.gateway(request, MERCHANT_1, "openid invoice");
            case "reporting" -> Tokens.gateway(request, MERCHANT_1, "openid transactionreporting");
            case "usersim" -> Tokens.gateway(request, MERCHANT_1, "openid invoice-usersimulation")
                    .header("AuthenticatedUser", "22222222-2222-4222-8222-000000000001");
            case "admin" -> request.header("Authorization", "Bearer " + Tokens.of(LocalStack.OPS_ADMIN, "openid"));
            case "none" -> { }
            default -> fail("unknown caller " + caller);
        }
    }

    /** With {@code badId} null: merchant-1 and an id that exists nowhere; else {@code badId} in place of {id}, or of {merchant}. */
    static String url(Endpoint e, String badId, String query) {
        String path = e.path();
        if (badId != null) {
            path = path.contains("{id}") ? path.replace("{id}", badId) : path.replace("{merchant}", badId);
        }
        path = path.replace("{id}", UNKNOWN_ID).replace("{merchant}", MERCHANT_1.merchantId().toString());
        return "http://127.0.0.1:" + e.port() + path + query;
    }

    static int expected(String status) {
        return status.equals("4xx") ? 0 : Integer.parseInt(status);
    }

    static byte[] jsonBase(JsonNode bases, Endpoint e) {
        JsonNode base = bases.get(e.name());
        return substitute(base == null ? "{}" : base.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** The generators of bodies.tsv for what a file cannot hold literally. */
    static byte[] generate(String spec) {
        if (!spec.startsWith("@")) {
            return spec.getBytes(StandardCharsets.UTF_8);
        }
        String kind = spec.substring(1, spec.indexOf(':'));
        String arg = spec.substring(spec.indexOf(':') + 1);
        return switch (kind) {
            case "hex" -> HexFormat.of().parseHex(arg.replace(" ", ""));
            case "nested-arrays" -> ("[".repeat(Integer.parseInt(arg)) + "]".repeat(Integer.parseInt(arg))).getBytes(StandardCharsets.UTF_8);
            case "nested-objects" -> ("{\"a\":".repeat(Integer.parseInt(arg)) + "1" + "}".repeat(Integer.parseInt(arg))).getBytes(StandardCharsets.UTF_8);
            case "long-number" -> ("{\"TotalAmount\":" + "9".repeat(Integer.parseInt(arg)) + ",\"amount\":1" + "9".repeat(Integer.parseInt(arg)) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            case "huge" -> {
                byte[] huge = new byte[Integer.parseInt(arg)];
                java.util.Arrays.fill(huge, (byte) 'x');
                byte[] head = "{\"a\":\"".getBytes(StandardCharsets.UTF_8);
                System.arraycopy(head, 0, huge, 0, head.length);
                huge[huge.length - 2] = '"';
                huge[huge.length - 1] = '}';
                yield huge;
            }
            default -> throw new IllegalArgumentException("unknown generator " + spec);
        };
    }

    static String substitute(String body) {
        return body.replace("${due}", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(10).toString())
                .replace("${unknown}", UNKNOWN_ID)
                .replace("${merchant}", MERCHANT_1.merchantId().toString())
                .replace("${megabyte}", "x".repeat(1 << 20))
                .replace("${integratorToken}", Tokens.of(MERCHANT_1, "openid invoice"));
    }

    /** JSON merge patch (RFC 7396), except that {@code "@remove"} removes and null stays null. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject() || !target.isObject()) {
            return patch;
        }
        ObjectNode object = (ObjectNode) target;
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if ("@remove".equals(field.getValue().asText(null))) {
                object.remove(field.getKey());
            } else {
                object.set(field.getKey(), merge(object.path(field.getKey()).isMissingNode() ? JSON.nullNode() : object.get(field.getKey()),
                        field.getValue()));
            }
        }
        return object;
    }

    /** A CSV body of fields.tsv: {@code \n} and {@code \\uXXXX} written as escapes. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == 'n') {
                out.append('\n');
                i++;
            } else if (c == '\\' && i + 5 < text.length() && text.charAt(i + 1) == 'u') {
                out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static JsonNode parse(String text) {
        try {
            // the corpus's own patches are strict JSON, but may hold numbers no double holds (1e400)
            return JSON.copy().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("fields.tsv holds a patch that is not JSON: " + text, e);
        }
    }

    static JsonNode read(String file) {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream(DIR + file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String[]> rows(String file) {
        return rows(DIR, file);
    }

    /** Tab-separated rows of a resource file, without comments and blank lines. */
    static List<String[]> rows(String dir, String file) {
        try (InputStream in = BadInputCorpusTest.class.getResourceAsStream(dir + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
