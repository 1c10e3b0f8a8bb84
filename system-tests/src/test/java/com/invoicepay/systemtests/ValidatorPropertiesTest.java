package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.invoicepay.testsupport.LocalStack.MERCHANT_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Property-based tests (jqwik) of the validators, through the running services as a client meets them:
 * each property states a documented rule as a model (invoice-service RULES.md, certification-service
 * RULES.md, common README) and checks the service's answer against it for generated input.
 *
 * The invoices go to payer +4540000003 of the sandbox, who cannot receive invoices: an invoice that
 * passes every rule of its fields is answered 10102 and never stored, so the properties leave no trace.
 */
class ValidatorPropertiesTest {
    static final String INVOICES = "http://127.0.0.1:8081/api/v1/merchants/" + MERCHANT_1.merchantId() + "/invoices";
    static final String UNAVAILABLE_PAYER = "+4540000003";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** TotalAmount of a DKK issuer: > 0 (10008), at most two decimals (11007), at most 15 000 (10201), checked in that order. */
    @Property(tries = 120)
    void theAmountRulesDecideInTheirDocumentedOrder(@ForAll("amounts") BigDecimal amount) throws Exception {
        ObjectNode invoice = invoice();
        invoice.put("TotalAmount", amount);
        String expected = amount.signum() <= 0 ? "10008"
                : amount.stripTrailingZeros().scale() > 2 ? "11007"
                : amount.compareTo(new BigDecimal("15000")) > 0 ? "10201"
                : "10102";
        assertEquals(expected, refusal(post(INVOICES, invoice)), "TotalAmount " + amount.toPlainString());
    }

    @Provide
    Arbitrary<BigDecimal> amounts() {
        return Arbitraries.oneOf(
                Arbitraries.bigDecimals().between(new BigDecimal("-20000"), new BigDecimal("20000")).ofScale(2),
                Arbitraries.bigDecimals().between(new BigDecimal("-1"), new BigDecimal("16000")).ofScale(4),
                Arbitraries.of(new BigDecimal("0.01"), new BigDecimal("15000"), new BigDecimal("15000.00"), new BigDecimal("15000.01"),
                        new BigDecimal("0.001"), new BigDecimal("-0.00"), new BigDecimal("1E+4"), new BigDecimal("1.10000")));
    }

    /** DueDate in the issuer's day (Europe/Copenhagen): not before today (10311), at most 400 days ahead (10310). */
    @Property(tries = 80)
    void theDueDateMustLieBetweenTodayAnd400DaysAhead(@ForAll @IntRange(min = -800, max = 1200) int daysAhead) throws Exception {
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
    @Property(tries = 80)
    void thePaymentReferenceHasAtMost60Characters(@ForAll @Size(max = 120) List<@IntRange(min = 0x20, max = 0x7e) Integer> codes)
            throws Exception {
        String reference = codes.stream().map(c -> Character.toString(c)).collect(Collectors.joining());
        ObjectNode invoice = invoice();
        invoice.put("PaymentReference", reference);
        assertEquals(reference.length() > 60 ? "11003" : "10102", refusal(post(INVOICES, invoice)), "PaymentReference '" + reference + "'");
    }

    /**
     * ConsumerAlias.Alias: +45 and 8 digits or +358 and 5 to 12 digits, spaces and dashes ignored (11005); blank is
     * missing (11001). A well-formed number nobody has is 10101; the generated ones are +358 99…, which no sandbox payer has.
     */
    @Property(tries = 120)
    void thePhoneAliasRuleSeparatesWellFormedNumbersFromTheRest(@ForAll("aliases") String alias) throws Exception {
        ObjectNode invoice = invoice();
        ((ObjectNode) invoice.get("ConsumerAlias")).put("Alias", alias);
        String digitsOnly = alias.replaceAll("[ -]", "");
        String expected = alias.isBlank() ? "11001"
                : Pattern.matches("\\+45[0-9]{8}|\\+358[0-9]{5,12}", digitsOnly) ? "10101" : "11005";
        assertEquals(expected, refusal(post(INVOICES, invoice)), "Alias '" + alias + "'");
    }

    @Provide
    Arbitrary<String> aliases() {
        Arbitrary<String> wellFormed = Arbitraries.strings().withChars("0123456789").ofMinLength(3).ofMaxLength(10)
                .map(digits -> "+35899" + digits);
        Arbitrary<String> spaced = wellFormed.map(a -> a.substring(0, 4) + " " + a.substring(4, 6) + "-" + a.substring(6));
        Arbitrary<String> nearlyDanish = Arbitraries.strings().withChars("0123456789").ofMinLength(6).ofMaxLength(10).map(d -> "+4599" + d);
        Arbitrary<String> noise = Arbitraries.strings().withChars("+0123456789 -abc٤５").ofMaxLength(18);
        return Arbitraries.oneOf(wellFormed, spaced, nearlyDanish, noise);
    }

    /** A batch item is rejected with every rule it breaks, not only the first (RULES.md); nothing of such a batch is stored. */
    @Property(tries = 60)
    void aBatchItemListsEveryRuleItBreaks(@ForAll("violations") Set<Violation> broken) throws Exception {
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

    @Provide
    Arbitrary<Set<Violation>> violations() {
        return Arbitraries.of(Violation.class).set().ofMinSize(1);
    }

    /**
     * clientVersion of a certification run (step 1) is Major.Minor.Build without leading zeros, each part below 10^9
     * (common's ClientVersion): otherwise 12002; a well-formed version goes on to the token check, 12010 for a garbage token.
     */
    @Property(tries = 120)
    void aClientVersionIsMajorMinorBuild(@ForAll("versions") String version) throws Exception {
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

    @Provide
    Arbitrary<String> versions() {
        Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.integers().between(0, 999).map(String::valueOf),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, new BigInteger("99999999999")).map(BigInteger::toString),
                Arbitraries.of("00", "01", "007", "-1", "+1", "1e3", "٣", "x", ""));
        Arbitrary<String> dotted = Combinators.combine(part, part, part).as((a, b, c) -> a + "." + b + "." + c);
        Arbitrary<String> other = Arbitraries.oneOf(part.list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l)),
                Arbitraries.strings().withChars("0123456789. v-").ofMaxLength(12));
        return Arbitraries.oneOf(dotted, dotted.map(v -> " " + v + " "), other);
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
