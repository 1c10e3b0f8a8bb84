package com.invoicepay.systemtests;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz tests (Jazzer) of the validators, through the running services as a client meets them:
 * each property states a documented rule as a model (invoice-service RULES.md, certification-service
 * RULES.md, common README) and checks the service's answer against it for input generated from the fuzzer's bytes.
 * Jazzer fuzzes only one @FuzzTest per JVM, so one fuzz test feeds every property: its input first picks the property.
 * The inputs in resources ValidatorPropertiesTestInputs/theValidatorsAnswerAsTheirRulesSay are replayed on every run and
 * seed the fuzzing (their 64 bytes let it generate full values from the start). A failing input is saved under target/
 * (crash-…): copy it into that directory to replay it; the assertion message names the generated value.
 *
 * The invoices go to payer +4540000003 of the sandbox, who cannot receive invoices: an invoice that
 * passes every rule of its fields is answered 10102 and never stored, so the properties leave no trace.
 */
// last of all: once it has fuzzed, Jazzer's hooks stay in the JVM and the test class after it died unreported
@Order(Integer.MAX_VALUE)
class ValidatorPropertiesTest {
    static final String INVOICES = "http://127.0.0.1:8081/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices";
    static final String UNAVAILABLE_PAYER = "+4540000003";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The properties below; each fuzzing run must have checked every one of them a fair number of times. */
    enum Rule {
        AMOUNT, DUE_DATE, PAYMENT_REFERENCE, PHONE_ALIAS, BATCH_ITEM, CLIENT_VERSION
    }

    static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost");
    static final int MIN_CHECKS_PER_RULE = 20;
    static final Map<Rule, AtomicInteger> CHECKS = new EnumMap<>(Rule.class);

    static {
        for (Rule rule : Rule.values()) {
            CHECKS.put(rule, new AtomicInteger());
        }
    }

    /** Bounded so that a build stays short (post() waits out the gateway's 429 if the fuzzer outruns its rate limit). */
    @FuzzTest(maxDuration = "45s", maxExecutions = 1200)
    void theValidatorsAnswerAsTheirRulesSay(FuzzedDataProvider data) throws Exception {
        Rule rule = data.pickValue(Rule.values());
        // Jazzer reports any network connection as a finding (SSRF) unless allowed: the services and Keycloak are local.
        try (SilentCloseable ignored = BugDetectors.allowNetworkConnections((host, port) -> LOCAL_HOSTS.contains(host))) {
            switch (rule) {
                case AMOUNT -> theAmountRulesDecideInTheirDocumentedOrder(amount(data));
                case DUE_DATE -> theDueDateMustLieBetweenTodayAnd400DaysAhead(data.consumeInt(-800, 1200));
                case PAYMENT_REFERENCE -> thePaymentReferenceHasAtMost60Characters(chars(data, PRINTABLE_ASCII, 0, 120));
                case PHONE_ALIAS -> thePhoneAliasRuleSeparatesWellFormedNumbersFromTheRest(alias(data));
                case BATCH_ITEM -> aBatchItemListsEveryRuleItBreaks(violations(data));
                case CLIENT_VERSION -> aClientVersionIsMajorMinorBuild(version(data));
            }
        }
        CHECKS.get(rule).incrementAndGet();
    }

    /** Without JAZZER_FUZZ=1 only the saved inputs are replayed; with it (the surefire setting) every property must have been fuzzed. */
    @AfterAll
    static void everyPropertyWasFuzzed() {
        System.out.println("Properties checked: " + CHECKS);
        if ("1".equals(System.getenv("JAZZER_FUZZ"))) {
            CHECKS.forEach((rule, checks) -> assertTrue(checks.get() >= MIN_CHECKS_PER_RULE,
                    rule + " was checked " + checks.get() + " times: " + CHECKS));
        }
    }

    /** TotalAmount of a DKK issuer: > 0 (10008), at most two decimals (11007), at most 15 000 (10201), checked in that order. */
    void theAmountRulesDecideInTheirDocumentedOrder(BigDecimal amount) throws Exception {
        ObjectNode invoice = invoice();
        invoice.put("TotalAmount", amount);
        String expected = amount.signum() <= 0 ? "10008"
                : amount.stripTrailingZeros().scale() > 2 ? "11007"
                : amount.compareTo(new BigDecimal("15000")) > 0 ? "10201"
                : "10102";
        assertEquals(expected, refusal(post(INVOICES, invoice)), "TotalAmount " + amount.toPlainString());
    }

    static final String[] EDGE_AMOUNTS = {"0.01", "15000", "15000.00", "15000.01", "0.001", "-0.00", "1E+4", "1.10000"};

    /** Two decimals within ±20 000, four decimals from -1 to 16 000, or an edge of the rules. */
    static BigDecimal amount(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> BigDecimal.valueOf(data.consumeLong(-2_000_000, 2_000_000), 2);
            case 1 -> BigDecimal.valueOf(data.consumeLong(-10_000, 160_000_000), 4);
            default -> new BigDecimal(data.pickValue(EDGE_AMOUNTS));
        };
    }

    /** DueDate in the issuer's day (Europe/Copenhagen): not before today (10311), at most 400 days ahead (10310). */
    void theDueDateMustLieBetweenTodayAnd400DaysAhead(int daysAhead) throws Exception {
        ObjectNode invoice = invoice();
        LocalDate today = LocalDate.now(ZoneId.of("Europe/Copenhagen"));
        invoice.put("DueDate", today.plusDays(daysAhead).toString());
        String expected = daysAhead < 0 ? "10311" : daysAhead > 400 ? "10310" : "10102";
        String answer = refusal(post(INVOICES, invoice));
        if (!today.equals(LocalDate.now(ZoneId.of("Europe/Copenhagen")))) {
            return; // midnight passed in Copenhagen during the call: "today" of the model is not the service's
        }
        assertEquals(expected, answer, "DueDate today + " + daysAhead + " days");
    }

    /** PaymentReference: at most 60 characters (11003); any text within that passes. */
    void thePaymentReferenceHasAtMost60Characters(String reference) throws Exception {
        ObjectNode invoice = invoice();
        invoice.put("PaymentReference", reference);
        assertEquals(reference.length() > 60 ? "11003" : "10102", refusal(post(INVOICES, invoice)), "PaymentReference '" + reference + "'");
    }

    /**
     * ConsumerAlias.Alias: +45 and 8 digits or +358 and 5 to 12 digits, spaces and dashes ignored (11005); blank is
     * missing (11001). A well-formed number nobody has is 10101; the generated ones are +358 99…, which no sandbox payer has.
     */
    void thePhoneAliasRuleSeparatesWellFormedNumbersFromTheRest(String alias) throws Exception {
        ObjectNode invoice = invoice();
        ((ObjectNode) invoice.get("ConsumerAlias")).put("Alias", alias);
        String digitsOnly = alias.replaceAll("[ -]", "");
        String expected = alias.isBlank() ? "11001"
                : Pattern.matches("\\+45[0-9]{8}|\\+358[0-9]{5,12}", digitsOnly) ? "10101" : "11005";
        assertEquals(expected, refusal(post(INVOICES, invoice)), "Alias '" + alias + "'");
    }

    /** A well-formed +358 99… number, the same with a space and a dash, a +45 99… of 6 to 10 digits, or noise. */
    static String alias(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> "+35899" + chars(data, DIGITS, 3, 10);
            case 1 -> {
                String wellFormed = "+35899" + chars(data, DIGITS, 3, 10);
                yield wellFormed.substring(0, 4) + " " + wellFormed.substring(4, 6) + "-" + wellFormed.substring(6);
            }
            case 2 -> "+4599" + chars(data, DIGITS, 6, 10);
            default -> chars(data, "+0123456789 -abc٤５", 0, 18);
        };
    }

    /** A batch item is rejected with every rule it breaks, not only the first (RULES.md); nothing of such a batch is stored. */
    void aBatchItemListsEveryRuleItBreaks(Set<Violation> broken) throws Exception {
        ObjectNode item = invoice();
        broken.forEach(v -> v.apply(item));
        ArrayNode batch = JSON.createArrayNode().add(item);
        HttpResponse<String> response = post(INVOICES + "/batch", batch);
        assertEquals(202, response.statusCode(), response.body());
        JsonNode answer = JSON.readTree(response.body());
        assertEquals(0, answer.path("accepted").size(), "a broken item is not accepted: " + response.body());
        List<String> codes = new ArrayList<>();
        answer.path("rejected").path(0).path("errors").forEach(e -> codes.add(e.path("errorCode").asText()));
        TreeMap<String, Long> expected = broken.stream().collect(Collectors.groupingBy(Violation::code, TreeMap::new, Collectors.counting()));
        assertEquals(expected, codes.stream().collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting())),
                "the codes of " + broken + ": " + response.body());
    }

    /** Field rules of InvoiceRules that are independent of each other, each with its code. */
    enum Violation {
        AMOUNT_NOT_POSITIVE("10008") {
            void apply(ObjectNode invoice) {
                invoice.put("TotalAmount", -5);
            }
        },
        NUMBER_MISSING("11002") {
            void apply(ObjectNode invoice) {
                invoice.remove("InvoiceNumber");
            }
        },
        REFERENCE_TOO_LONG("11003") {
            void apply(ObjectNode invoice) {
                invoice.put("PaymentReference", "R".repeat(61));
            }
        },
        ALIAS_MALFORMED("11005") {
            void apply(ObjectNode invoice) {
                ((ObjectNode) invoice.get("ConsumerAlias")).put("Alias", "+46123");
            }
        },
        ALIAS_TYPE_NOT_PHONE("11004") {
            void apply(ObjectNode invoice) {
                ((ObjectNode) invoice.get("ConsumerAlias")).put("AliasType", "Email");
            }
        },
        NO_ARTICLE("11006") {
            void apply(ObjectNode invoice) {
                invoice.putArray("InvoiceArticles");
            }
        },
        INVOICE_URL_NOT_HTTPS("11008") {
            void apply(ObjectNode invoice) {
                invoice.put("InvoiceUrl", "http://example.com/invoice.pdf");
            }
        },
        DUE_DATE_TOO_FAR("10310") {
            void apply(ObjectNode invoice) {
                invoice.put("DueDate", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(500).toString());
            }
        };

        private final String code;

        Violation(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }

        abstract void apply(ObjectNode invoice);
    }

    /** A non-empty set of violations, one bit of the fuzzer's number for each. */
    static Set<Violation> violations(FuzzedDataProvider data) {
        Violation[] all = Violation.values();
        int bits = data.consumeInt(1, (1 << all.length) - 1);
        return IntStream.range(0, all.length).filter(i -> (bits & 1 << i) != 0).mapToObj(i -> all[i])
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Violation.class)));
    }

    /**
     * clientVersion of a certification run (step 1) is Major.Minor.Build without leading zeros, each part below 10^9
     * (common's ClientVersion): otherwise 12002; a well-formed version goes on to the token check, 12010 for a garbage token.
     */
    void aClientVersionIsMajorMinorBuild(String version) throws Exception {
        ObjectNode run = JSON.createObjectNode().put("integratorId", "integrator-1").put("sandboxClientId", "integrator-app")
                .put("productionClientId", "integrator-app-prod").put("clientSystemName", "Property Client")
                .put("clientVersion", version).put("accessToken", "not.a.token");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8084/api/v1/certification/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(run.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        String[] parts = version.trim().split("\\.", -1);
        boolean wellFormed = parts.length == 3 && java.util.Arrays.stream(parts).allMatch(p -> p.matches("0|[1-9][0-9]{0,8}"));
        String expected = version.isBlank() ? "12001" : wellFormed ? "12010" : "12002";
        assertEquals(expected, refusal(response), "clientVersion '" + version + "'");
    }

    static final String[] ODD_VERSION_PARTS = {"00", "01", "007", "-1", "+1", "1e3", "٣", "x", ""};

    /** Three dotted parts (bare or padded with spaces), one to five parts, or a string of version-like characters. */
    static String version(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> versionPart(data) + "." + versionPart(data) + "." + versionPart(data);
            case 1 -> " " + versionPart(data) + "." + versionPart(data) + "." + versionPart(data) + " ";
            case 2 -> IntStream.range(0, data.consumeInt(1, 5)).mapToObj(i -> versionPart(data)).collect(Collectors.joining("."));
            default -> chars(data, "0123456789. v-", 0, 12);
        };
    }

    /** A small number, a number of up to 11 digits (10^9 and above are too large), or an odd part. */
    static String versionPart(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> String.valueOf(data.consumeInt(0, 999));
            case 1 -> String.valueOf(data.consumeLong(0, 99_999_999_999L));
            default -> data.pickValue(ODD_VERSION_PARTS);
        };
    }

    static final String DIGITS = "0123456789";
    static final String PRINTABLE_ASCII = IntStream.rangeClosed(0x20, 0x7e).mapToObj(Character::toString).collect(Collectors.joining());

    /** A string of min to max characters of the alphabet, chosen by the fuzzer. */
    static String chars(FuzzedDataProvider data, String alphabet, int min, int max) {
        int length = data.consumeInt(min, max);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
        }
        return text.toString();
    }

    static ObjectNode invoice() {
        ObjectNode invoice = JSON.createObjectNode();
        invoice.put("InvoiceIssuer", "11111111-1111-4111-8111-000000000001");
        invoice.putObject("ConsumerAlias").put("Alias", UNAVAILABLE_PAYER).put("AliasType", "Phone");
        invoice.put("TotalAmount", 360);
        invoice.put("InvoiceNumber", "PROP-1");
        invoice.put("PaymentReference", "186");
        invoice.put("DueDate", LocalDate.now(ZoneId.of("Europe/Copenhagen")).plusDays(10).toString());
        invoice.putArray("InvoiceArticles").addObject().put("ArticleDescription", "Property");
        return invoice;
    }

    static HttpResponse<String> post(String url, JsonNode body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = HTTP.send(Tokens.gateway(request.copy(), MERCHANT_1, "openid invoice").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 429 || attempt == 5) {
                return response;
            }
            Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
        }
    }

    /** The error_code of a 400 with the Invoice API's error body; anything else fails. */
    static String refusal(HttpResponse<String> response) throws Exception {
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body());
        assertEquals("InputError", error.path("error").asText(), response.body());
        return error.path("error_code").asText();
    }
}
