package com.invoicepay.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.invoicepay.testsupport.AuthorizationCodeFlow;
import com.invoicepay.testsupport.LocalStack;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;
import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP_PROD;
import static com.invoicepay.testsupport.LocalStack.MERCHANT_2;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integrator's journey of issue #7 against the running stack, as a real client goes, from consent to certificate.
 * The merchant (merchant-2, whose callbacks nothing else on the stack waits for) logs in through Keycloak's
 * authorization-code flow with PKCE over plain HTTP (form and cookies, as a browser). The client version is identified
 * for self-certification before it does anything the cases judge. The client refreshes the token, reads merchants/me
 * and the issuers, registers its callback endpoint (a real receiver on 127.0.0.1), creates InvoiceDirect and
 * InvoiceLink singly and in batches, a payer pays, accepts for later and rejects through the user simulation, and every
 * status arrives by callback: Basic auth as registered, a valid Standard Webhooks signature, each batch sorted by date
 * then sequence; status and details are read back. Then the money: payments to a Daily issuer of the journey's own and
 * to the Instant issuer, the night that transfers the Daily ones (report-service's clock moved past midnight and put
 * back), the payments, fees and transfers with their bank references through the Transaction Reporting API (JSON and
 * CSV), and a bank statement made from those transfers reconciled. Last, what is still open is canceled and the client
 * version that did all this is certified from its own traffic.
 */
class JourneyTest {
    static final String REDIRECT = "http://127.0.0.1/journey/signed-in";
    /** The stack's services; another deployment's with -Djourney.invoice-service=…, -Djourney.callback-service=…, -Djourney.report-service=…. */
    static final String INVOICE_SERVICE = System.getProperty("journey.invoice-service", "http://127.0.0.1:8081");
    static final String CALLBACK_SERVICE = System.getProperty("journey.callback-service", "http://127.0.0.1:8082");
    static final String REPORT_SERVICE = System.getProperty("journey.report-service", "http://127.0.0.1:8083");
    static final String INVOICES = INVOICE_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId();
    static final String INSTANT_ISSUER = "11111111-1111-4111-8111-000000000003";
    /** merchant-2's issuers are Finnish: their day is Helsinki's, their currency EUR. */
    static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    static final String CLIENT_SYSTEM = "Journey Client";
    static final String STATEMENT_HEADER = "booking_date,amount,currency,reference,text";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String accessToken;
    String refreshToken;
    /** The version of this client, as its X-Client-System-Version header says; the one certified. */
    String clientVersion;
    CertificationDriver certification;
    String runId;
    /** The run's instructed values (amount, PaymentReference, InvoiceNumber) for the cases that name them. */
    JsonNode runValues;
    /** Every callback item the journey's invoices should bring, by invoice. */
    final Map<String, Integer> expectedItems = new LinkedHashMap<>();
    CallbackReceiver receiver;
    final String callbackPassword = "journey-" + UUID.randomUUID();
    /** The first half's invoices the later steps read again, by role (paid, rejected). */
    final Map<String, String> firstHalf = new LinkedHashMap<>();
    JsonNode linkBatch;
    /** The first half's Instant payment: its transfer is the one the bank statement leaves out. */
    Payment paidInTheFirstHalf;

    /** An invoice the payer paid, as the merchant knows it. */
    record Payment(String invoiceId, String invoiceNumber, String paymentReference, BigDecimal amount, String transactionId) {
    }

    /** A transfer as the Reporting API shows it, with the day the bank books it. */
    record Transfer(String id, String reference, LocalDate date, BigDecimal amount, String currency) {
    }

    /** What the night is about: the Daily issuer's payments and the Instant ones paid with them. */
    record Night(String dailyIssuer, List<Payment> daily, Payment longInvoiceNumber, Payment misbooked, LocalDate paymentDay) {
    }

    @Test
    void anIntegratorsClientFromConsentToCertificate() throws Exception {
        signIn();
        startCertification();
        readMerchantAndIssuers();
        refreshTheToken();
        try (CallbackReceiver callbacks = new CallbackReceiver()) {
            receiver = callbacks;
            List<String> secrets = registerCallbackEndpoint();
            createInvoicesAndLetThePayerDecide();
            receiveEveryStatusByCallback(secrets);
            Night night = payForTheNight();
            LocalDate transferDay = passTheNight(night);
            Map<String, Transfer> transfers = readTransactionsAndTransfers(night, transferDay);
            reconcileABankStatement(night, transfers);
            cancelWhatIsStillOpen();
            askForTheCasesLeft();
            // the endpoint stays up until every status of the journey's invoices is in: none is left failing behind it
            awaitCallbacks();
            certifyTheClientVersion();
        }
    }

    // ---- the first half: consent, invoices, callbacks -------------------------------------------------------------

    /** The merchant signs in and consents (Keycloak's form over HTTP); the client gets its tokens for the code and its PKCE verifier. */
    void signIn() throws Exception {
        AuthorizationCodeFlow flow = new AuthorizationCodeFlow(INTEGRATOR_APP.clientId(), REDIRECT);
        assertTrue(flow.authorize("openid invoice transactionreporting offline_access").showsLoginForm(), "Keycloak's login form");
        JsonNode tokens = flow.consent(MERCHANT_2, INTEGRATOR_APP.secret());
        accessToken = tokens.path("access_token").asText();
        refreshToken = tokens.path("refresh_token").asText();
        assertFalse(refreshToken.isEmpty(), "offline_access gives a refresh token");
    }

    /**
     * The client version this journey certifies is identified before it does anything the cases judge, and its features
     * are selected: Onboarding (always), InvoiceLink, Cancel and Callbacks. Not InvoiceDirect, whose create case expects
     * 202 where the Invoice API answers 200; not Reconciliation, whose reference case fails on any create with references
     * other than the run's, as this journey's own invoices have. A new Major.Minor per run: one is certified once.
     */
    void startCertification() throws Exception {
        clientVersion = "1." + (Instant.now().getEpochSecond() - 1_767_225_600L) + ".0"; // seconds since 2026: a new minor each run
        certification = new CertificationDriver(() -> accessToken);
        runId = certification.start(new CertificationDriver.Identification("integrator-1", INTEGRATOR_APP.clientId(),
                INTEGRATOR_APP_PROD.clientId(), CLIENT_SYSTEM, clientVersion), List.of("InvoiceLink", "Cancel", "Callbacks"));
        runValues = certification.run(runId).path("values");
    }

    /** The refresh token keeps the integration alive: a new access token of the same session, used at once. */
    void refreshTheToken() throws Exception {
        // the refreshed token must be issued in a later second than the first (iat): that is what shows it is a refresh
        long issuedAt = JSON.readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1])).path("iat").asLong();
        Thread.sleep(Math.max(0, (issuedAt + 1) * 1000 - System.currentTimeMillis() + 50));
        JsonNode refreshed = tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", INTEGRATOR_APP.clientId(), "client_secret", INTEGRATOR_APP.secret()));
        assertNotEquals(accessToken, refreshed.path("access_token").asText(), "the refresh gave a new access token");
        accessToken = refreshed.path("access_token").asText();
        assertEquals(MERCHANT_2.merchantId().toString(), call("GET", INVOICE_SERVICE + "/api/v1/merchants/me", null, 200).path("merchantId").asText());
    }

    /** Who am I, and which issuers may I use. */
    void readMerchantAndIssuers() throws Exception {
        assertEquals(MERCHANT_2.merchantId().toString(), call("GET", INVOICE_SERVICE + "/api/v1/merchants/me", null, 200).path("merchantId").asText());
        Set<String> issuers = new HashSet<>();
        call("GET", INVOICES + "/invoiceissuers", null, 200).path("invoiceIssuers").forEach(i -> issuers.add(i.path("id").asText()));
        assertTrue(issuers.contains(INSTANT_ISSUER), "the seeded Instant issuer of merchant-2: " + issuers);
    }

    /** The callback endpoint, and the secrets its signatures are checked with. */
    List<String> registerCallbackEndpoint() throws Exception {
        call("PUT", CALLBACK_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId() + "/auth/basic",
                Map.of("username", "journey", "password", callbackPassword, "callbackUrl", receiver.url("/journey")), 204);
        List<String> secrets = new ArrayList<>();
        call("GET", CALLBACK_SERVICE + "/api/v1/merchants/" + MERCHANT_2.merchantId() + "/auth/signing-secrets", null, 200)
                .path("secrets").forEach(s -> secrets.add(s.path("secret").asText()));
        assertFalse(secrets.isEmpty(), "a signing secret to check the callbacks with");
        return secrets;
    }

    /**
     * Invoices, singly and in batches, and what the payer does with them; the callback items each should bring. The
     * single InvoiceLink carries the run's instructed values; canceling the paid invoice is answered 409 and not retried.
     */
    void createInvoicesAndLetThePayerDecide() throws Exception {
        String phone = newPayerPhone();
        String payerId = newPayer(phone);
        Map<String, Object> paidInvoice = invoice(phone, INSTANT_ISSUER, new BigDecimal("120.50"));
        String paid = create("/invoices", paidInvoice).path("invoiceId").asText();
        String scheduled = create("/invoices", invoice(phone, INSTANT_ISSUER, new BigDecimal("120.50"))).path("invoiceId").asText();
        String rejected = create("/invoices", invoice(phone, INSTANT_ISSUER, new BigDecimal("120.50"))).path("invoiceId").asText();
        Map<String, Object> instructed = invoice(phone, INSTANT_ISSUER, new BigDecimal(runValues.path("amount").asText()));
        instructed.put("PaymentReference", runValues.path("paymentReference").asText());
        instructed.put("InvoiceNumber", runValues.path("invoiceNumber").asText());
        JsonNode link = create("/invoices/link", instructed);
        assertEquals("user-redirect", link.path("links").path(0).path("rel").asText(), link.toString());
        JsonNode batch = call("POST", INVOICES + "/invoices/batch", List.of(invoice(phone, INSTANT_ISSUER, new BigDecimal("120.50")),
                invoice(phone, INSTANT_ISSUER, new BigDecimal("120.50"))), 202);
        linkBatch = call("POST", INVOICES + "/invoices/link/batch", List.of(invoice(null, INSTANT_ISSUER, new BigDecimal("120.50")),
                invoice(null, INSTANT_ISSUER, new BigDecimal("120.50"))), 202);
        assertEquals(2, batch.path("accepted").size(), batch.toString());
        assertEquals(2, linkBatch.path("accepted").size(), linkBatch.toString());

        assertEquals("Paid", payer(payerId, paid, "accept", Map.of()).path("invoicePaymentStatus").asText());
        payer(payerId, scheduled, "accept", Map.of("paymentDate", LocalDate.now(HELSINKI).plusDays(5).toString()));
        payer(payerId, rejected, "reject", null);
        call("PUT", INVOICES + "/invoices/" + paid + "/cancel", null, 409);
        paidInTheFirstHalf = new Payment(paid, (String) paidInvoice.get("InvoiceNumber"), (String) paidInvoice.get("PaymentReference"),
                new BigDecimal("120.50"), null);
        firstHalf.put("paid", paid);
        firstHalf.put("rejected", rejected);
        firstHalf.put("scheduled", scheduled);
        expectedItems.put(paid, 3); // Created, Accepted, Paid
        expectedItems.put(scheduled, 2); // Created, Accepted
        expectedItems.put(rejected, 2); // Created, Rejected
        expectedItems.put(link.path("invoiceId").asText(), 1);
        batch.path("accepted").forEach(a -> expectedItems.put(id(a), 1));
        linkBatch.path("accepted").forEach(a -> expectedItems.put(id(a), 1));
    }

    /** Every status once, authenticated, signed, sorted; then status and details, the merchant's fallback to callbacks. */
    void receiveEveryStatusByCallback(List<String> secrets) throws Exception {
        awaitCallbacks();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("journey:" + callbackPassword).getBytes(StandardCharsets.UTF_8));
        int requests = 0;
        for (CallbackReceiver.Request request : receiver.to("/journey")) {
            requests++;
            assertEquals(basic, request.authorization(), "the Basic auth value registered");
            assertTrue(signedBy(secrets, request), "a valid webhook-signature: " + request.webhookSignature());
            JsonNode items = JSON.readTree(request.body());
            for (int i = 1; i < items.size(); i++) {
                assertTrue(PrivateStackFaultsTest.order(items.get(i - 1)).compareTo(PrivateStackFaultsTest.order(items.get(i))) <= 0,
                        "each batch sorted by date then sequence: " + request.body());
            }
            for (JsonNode item : items) {
                if (linkBatch.path("accepted").toString().contains(item.path("invoiceId").asText())) {
                    assertTrue(item.path("links").toString().contains("user-redirect"), "a link-batch item brings its link: " + item);
                }
            }
        }
        String paid = firstHalf.get("paid");
        assertEquals("Paid", call("GET", INVOICES + "/invoices/" + paid + "/status", null, 200).path("status").asText());
        JsonNode details = call("GET", INVOICES + "/invoices/" + paid, null, 200);
        assertFalse(details.path("paymentTransactionId").asText().isEmpty(), "a paid invoice's details carry its transaction: " + details);
        paidInTheFirstHalf = new Payment(paid, paidInTheFirstHalf.invoiceNumber(), paidInTheFirstHalf.paymentReference(),
                paidInTheFirstHalf.amount(), details.path("paymentTransactionId").asText());
        assertEquals("Rejected", call("GET", INVOICES + "/invoices/" + firstHalf.get("rejected") + "/status", null, 200).path("status").asText());
        System.out.printf("journey: %d invoices, %d callback requests with %d items, all signed and sorted%n",
                expectedItems.size(), requests, expectedItems.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Waits until every item expected so far has arrived in a callback the endpoint answered 200. */
    void awaitCallbacks() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> itemsByInvoice(receiver, expectedItems.keySet()).equals(expectedItems));
    }

    // ---- the second half: the night, reporting, reconciliation ------------------------------------------------------

    /**
     * Payments for the night: the operator gives merchant-2 a Daily issuer of the journey's own (so its night transfer
     * carries exactly the journey's payments, whatever else the stack's tests pay merchant-2 that day), a payer pays two
     * invoices to it, and two more to the Instant issuer: one without PaymentReference whose InvoiceNumber is longer
     * than the 30 characters a bank reference keeps, and one the bank will book with a wrong amount.
     */
    Night payForTheNight() throws Exception {
        JsonNode issuer = operator("POST", INVOICE_SERVICE + "/api/v1/admin/merchants/" + MERCHANT_2.merchantId() + "/invoiceissuers",
                Map.of("name", "Journey Daily " + UUID.randomUUID().toString().substring(0, 8), "country", "FI", "transferMethod", "Daily"), 201);
        String dailyIssuer = issuer.path("id").asText();
        operator("PUT", INVOICE_SERVICE + "/api/v1/admin/merchants/" + MERCHANT_2.merchantId() + "/invoiceissuers/" + dailyIssuer + "/enable", null, 200);
        String phone = newPayerPhone();
        String payerId = newPayer(phone);
        LocalDate paymentDay = LocalDate.now(HELSINKI);
        List<Payment> daily = List.of(pay(payerId, invoice(phone, dailyIssuer, new BigDecimal("75.25"))),
                pay(payerId, invoice(phone, dailyIssuer, new BigDecimal("310.40"))));
        Map<String, Object> longNumber = invoice(phone, INSTANT_ISSUER, new BigDecimal("45.60"));
        longNumber.remove("PaymentReference");
        // over 30 characters, and unique within its first 30 (the bank reference): the stack's database keeps every
        // earlier run's transfers, and "JOURNEY-LONG-INVOICE-NUMBER-" left two random characters there (a CI run found two)
        longNumber.put("InvoiceNumber", "JOURNEY-LONG-" + UUID.randomUUID());
        return new Night(dailyIssuer, daily, pay(payerId, longNumber),
                pay(payerId, invoice(phone, INSTANT_ISSUER, new BigDecimal("88.80"))), paymentDay);
    }

    /**
     * The night after the payment day: report-service's clock moved to 03:00 of the next day in Helsinki (the issuer's
     * zone), its night run triggered, and the clock put back to where it was, whatever happens, since every test on the
     * stack shares it. Before the night the Daily payments wait untransferred. The transfer date (Helsinki).
     */
    LocalDate passTheNight(Night night) throws Exception {
        // every payment booked before the night: the Daily ones with their fees, the Instant ones transferred at once
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> transactions("paymentpointid=" + night.dailyIssuer()).size() == 2 * night.daily().size());
        for (Payment payment : List.of(paidInTheFirstHalf, night.longInvoiceNumber(), night.misbooked())) {
            instantTransfer(payment);
        }
        assertEquals(0, call("GET", REPORT_SERVICE + "/v3/reporting/transfers?paymentpointid=" + night.dailyIssuer(), null, 200)
                .path("transfers").size(), "the Daily payments wait for the night");
        LocalDate transferDay = night.paymentDay().plusDays(1);
        Duration offset = Duration.between(Instant.now(), transferDay.atTime(3, 0).atZone(HELSINKI).toInstant());
        Duration before = clockOffset(REPORT_SERVICE);
        try {
            operator("PUT", REPORT_SERVICE + "/sandbox/clock", Map.of("offset", offset.toString()), 200);
            operator("POST", REPORT_SERVICE + "/sandbox/transfers/night-run", null, 200);
        } finally {
            operator("PUT", REPORT_SERVICE + "/sandbox/clock", Map.of("offset", before.toString()), 200);
        }
        assertEquals(before, clockOffset(REPORT_SERVICE), "report-service's clock is back where it was");
        return transferDay;
    }

    /**
     * The merchant's books through the Transaction Reporting API: each payment with its fee, carrying the invoice's
     * transaction id, PaymentReference and InvoiceNumber; the Daily issuer's one transfer for the night with the
     * 20-digit reference of that date and its Luhn digit; an Instant transfer per payment under its PaymentReference,
     * else its InvoiceNumber cut to 30; the same transfers as CSV. The journey's transfers by invoice id.
     */
    Map<String, Transfer> readTransactionsAndTransfers(Night night, LocalDate transferDay) throws Exception {
        List<JsonNode> dailyEntries = transactions("paymentpointid=" + night.dailyIssuer());
        JsonNode dailyTransfers = call("GET", REPORT_SERVICE + "/v3/reporting/transfers?paymentpointid=" + night.dailyIssuer(), null, 200).path("transfers");
        assertEquals(1, dailyTransfers.size(), "one Daily transfer for the night: " + dailyTransfers);
        Transfer daily = transfer(dailyTransfers.get(0), dailyEntries);
        assertTrue(daily.reference().matches("0400000000\\d{10}"), "PC 04, AAAAAAAA 00000000, RRR, DDMMYY, X: " + daily.reference());
        assertEquals(transferDay.format(DateTimeFormatter.ofPattern("ddMMyy")), daily.reference().substring(13, 19),
                "the transfer date in the reference");
        assertEquals(luhnCheckDigit(daily.reference().substring(0, 19)), daily.reference().charAt(19) - '0', "the Luhn check digit");
        assertEquals(transferDay, daily.date());

        Map<String, Transfer> byInvoice = new LinkedHashMap<>();
        for (Payment payment : night.daily()) {
            assertBooked(payment, dailyEntries, daily);
            byInvoice.put(payment.invoiceId(), daily);
        }
        assertAmount(sum(night.daily()).subtract(fees(dailyEntries)), daily.amount(), "payments less fees: " + dailyEntries);

        for (Payment payment : List.of(paidInTheFirstHalf, night.longInvoiceNumber(), night.misbooked())) {
            JsonNode found = instantTransfer(payment);
            List<JsonNode> entries = transactions("transferid=" + found.path("id").asText());
            Transfer instant = transfer(found, entries);
            assertEquals(night.paymentDay(), instant.date(), "an Instant transfer is made the day of the payment, not in the night");
            assertBooked(payment, entries, instant);
            assertAmount(payment.amount().subtract(fees(entries)), instant.amount(), "the payment less its fee: " + entries);
            byInvoice.put(payment.invoiceId(), instant);
        }

        // the Daily issuer's entries and the transfers again, as the CSV a bookkeeping system reads
        List<List<String>> entriesCsv = csv(send("GET", REPORT_SERVICE + "/v3/reporting/transactions?paymentpointid=" + night.dailyIssuer(),
                null, null, "text/csv", 200).body());
        assertEquals(List.of("paymentId", "type", "amount", "currencyCode", "timestamp", "message", "merchantReference", "transferReference",
                "transferDate"), entriesCsv.get(0));
        assertEquals(dailyEntries.size(), entriesCsv.size() - 1, "the same entries as JSON: " + entriesCsv);
        assertTrue(entriesCsv.stream().skip(1).allMatch(r -> r.get(7).equals(daily.reference())), "every entry under the night's transfer: " + entriesCsv);
        List<List<String>> csv = csv(send("GET", REPORT_SERVICE + "/v3/reporting/transfers?pagesize=1000&startdate=" + night.paymentDay()
                + "&enddate=" + transferDay, null, null, "text/csv", 200).body());
        assertEquals(List.of("id", "reference", "date", "totalTransferredAmount", "currencyCode", "paymentPointId"), csv.get(0));
        for (Transfer t : new HashSet<>(byInvoice.values())) {
            List<String> row = csv.stream().filter(r -> r.get(0).equals(t.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("transfer " + t.id() + " in the CSV"));
            assertEquals(t.reference(), row.get(1));
            assertAmount(t.amount(), new BigDecimal(row.get(3)), row.toString());
            assertEquals("EUR", row.get(4));
        }
        System.out.printf("journey: %d payments booked with their fees, Daily transfer %s of %s EUR on %s, %d Instant transfers%n",
                byInvoice.size(), daily.reference(), daily.amount(), daily.date(), byInvoice.size() - night.daily().size());
        return byInvoice;
    }

    /**
     * A bank statement made from those transfers as the bank books them: the Daily transfer and the long-numbered one
     * as they are, the misbooked one with a wrong amount, a credit of someone else's, and the first half's transfer
     * left out. Uploaded as a job, followed to its end; every outcome asserted, and the invoices of a matched transfer.
     */
    void reconcileABankStatement(Night night, Map<String, Transfer> transfers) throws Exception {
        Transfer daily = transfers.get(night.daily().get(0).invoiceId());
        Transfer longNumber = transfers.get(night.longInvoiceNumber().invoiceId());
        Transfer misbooked = transfers.get(night.misbooked().invoiceId());
        Transfer missing = transfers.get(paidInTheFirstHalf.invoiceId());
        String unknownReference = "NOT-A-TRANSFER-" + UUID.randomUUID().toString().substring(0, 8);
        String statement = String.join("\n", STATEMENT_HEADER,
                line(daily.date(), daily.amount(), daily.reference(), "\"MobilePay, daily transfer\""),
                line(longNumber.date(), longNumber.amount(), longNumber.reference(), "MobilePay transfer"),
                line(misbooked.date(), misbooked.amount().add(BigDecimal.ONE), misbooked.reference(), "MobilePay transfer"),
                line(missing.date(), new BigDecimal("0.37"), unknownReference, "Someone else's credit")) + "\n";
        HttpResponse<String> upload = send("POST", REPORT_SERVICE + "/api/v1/reconciliations", "text/csv", statement, "application/json", 202);
        String location = upload.headers().firstValue("Location").orElseThrow();
        JsonNode summary = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> call("GET", REPORT_SERVICE + location, null, 200), s -> !"Running".equals(s.path("status").asText()));
        assertEquals("Completed", summary.path("status").asText(), summary.toString());
        assertEquals(4, summary.path("lines").asInt(), summary.toString());

        Map<Integer, JsonNode> byLine = new HashMap<>();
        Map<String, JsonNode> missingTransfers = new HashMap<>();
        for (JsonNode result : reconciliationResults(location)) {
            if (result.path("lineNumber").isNull() || result.path("lineNumber").isMissingNode()) {
                missingTransfers.put(result.path("transferId").asText(), result);
            } else {
                byLine.put(result.path("lineNumber").asInt(), result);
            }
        }
        assertOutcome(byLine.get(2), "Matched", daily);
        assertEquals("reference", byLine.get(2).path("matchedBy").asText());
        Set<String> dailyInvoices = new HashSet<>();
        byLine.get(2).path("invoices").forEach(i -> dailyInvoices.add(i.path("invoiceNumber").asText() + "/" + i.path("paymentReference").asText()));
        assertEquals(night.daily().stream().map(p -> p.invoiceNumber() + "/" + p.paymentReference()).collect(Collectors.toSet()), dailyInvoices,
                "the matched Daily transfer lists the invoices it paid");
        assertOutcome(byLine.get(3), "Matched", longNumber);
        assertEquals(night.longInvoiceNumber().invoiceNumber(), byLine.get(3).path("invoices").path(0).path("invoiceNumber").asText());
        assertOutcome(byLine.get(4), "AmountMismatch", misbooked);
        assertAmount(misbooked.amount().add(BigDecimal.ONE), byLine.get(4).path("statementAmount").decimalValue(), byLine.get(4).toString());
        assertEquals("UnmatchedStatementLine", byLine.get(5).path("outcome").asText(), byLine.get(5).toString());
        assertTrue(missingTransfers.containsKey(missing.id()), "the transfer the statement left out: " + missingTransfers.keySet());
        assertEquals("MissingFromStatement", missingTransfers.get(missing.id()).path("outcome").asText());
        System.out.printf("journey: statement of 4 lines reconciled: %d matched, %d amount mismatch, %d unmatched, %d transfers missing from it%n",
                summary.path("matched").asInt(), summary.path("amountMismatch").asInt(), summary.path("unmatchedStatementLines").asInt(),
                summary.path("missingFromStatement").asInt());
    }

    // ---- the certificate --------------------------------------------------------------------------------------------

    /**
     * Nothing the journey created is left open: the invoice accepted for a later day and those nobody paid are canceled
     * (Canceled is final), so no later status can reach an endpoint that is gone.
     */
    void cancelWhatIsStillOpen() throws Exception {
        List<String> open = new ArrayList<>(expectedItems.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).toList());
        open.add(firstHalf.get("scheduled"));
        for (String invoice : open) {
            call("PUT", INVOICES + "/invoices/" + invoice + "/cancel", null, 204);
            assertEquals("Canceled", call("GET", INVOICES + "/invoices/" + invoice + "/status", null, 200).path("status").asText());
            expectedItems.merge(invoice, 1, Integer::sum);
        }
    }

    /**
     * What the client's traffic cannot show is asked for: the test callbacks (which the endpoint answers 2xx), and the
     * declaration of how callbacks are sorted, which an administrator reviews and accepts.
     */
    void askForTheCasesLeft() throws Exception {
        certification.askForTestCallbacks(runId, "callbacks-test-answered");
        certification.declare(runId, "callbacks-sorted", "Each callback batch is sorted by date, then sequence; the client checks it on receipt.");
        certification.review(runId, "callbacks-sorted", "ACCEPTED", "checked by the journey's assertions");
    }

    /**
     * Every case of the selected features is judged from what this client version did, and passes; a WARNING is a pass
     * with calls answered another status on the way (the two Cancel cases share a route: each sees the other's answer).
     * The run is approved, and the production client holds a certificate for this Major.Minor.
     */
    void certifyTheClientVersion() throws Exception {
        Map<String, String> verdicts = certification.awaitVerdicts(runId, Duration.ofSeconds(90));
        assertEquals(Set.of("onboarding-merchant-read", "onboarding-refreshed-token", "invoicelink-create", "invoicelink-batch",
                "cancel-unpaid", "cancel-paid-no-retry-storm", "callbacks-registered", "callbacks-test-answered",
                "callbacks-get-status", "callbacks-sorted"), verdicts.keySet(), "the cases of the selected features");
        List<String> failed = certification.cases(runId).stream().filter(c -> !Set.of("PASSED", "WARNING").contains(c.path("status").asText()))
                .map(JsonNode::toString).toList();
        assertTrue(failed.isEmpty(), "every case passed: " + failed);
        JsonNode report = certification.approve(runId);
        assertEquals("CERTIFIED", report.path("result").asText(), report.toString());
        String majorMinor = clientVersion.substring(0, clientVersion.lastIndexOf('.'));
        certification.validCertificate(INTEGRATOR_APP_PROD.clientId(), CLIENT_SYSTEM, majorMinor);
        System.out.printf("journey: %s %s certified for %s: %s%n", CLIENT_SYSTEM, clientVersion, INTEGRATOR_APP_PROD.clientId(), verdicts);
    }

    // ---- helpers of the second half ---------------------------------------------------------------------------------

    /** A service's sandbox clock offset; the service writes it as seconds. */
    Duration clockOffset(String service) throws Exception {
        BigDecimal seconds = operator("GET", service + "/sandbox/clock", null, 200).path("offset").decimalValue();
        return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    }

    /** A payer of the journey's own (the daily limit counts invoices per payer and merchant). */
    String newPayer(String phone) throws Exception {
        return operator("POST", INVOICE_SERVICE + "/api/v1/admin/sandbox-consumers", Map.of("phoneNumber", phone, "name", "Journey Payer",
                "cards", List.of(Map.of("alwaysFails", false))), 201).path("payerId").asText();
    }

    static String newPayerPhone() {
        return "+35899" + String.format("%06d", (long) (Math.random() * 1_000_000));
    }

    /** Creates the InvoiceDirect, lets the payer pay it now, and reads the transaction id from its details. */
    Payment pay(String payerId, Map<String, Object> invoice) throws Exception {
        String id = create("/invoices", invoice).path("invoiceId").asText();
        assertEquals("Paid", payer(payerId, id, "accept", Map.of()).path("invoicePaymentStatus").asText());
        expectedItems.put(id, 3); // Created, Accepted, Paid
        String transaction = call("GET", INVOICES + "/invoices/" + id, null, 200).path("paymentTransactionId").asText();
        return new Payment(id, (String) invoice.get("InvoiceNumber"), (String) invoice.get("PaymentReference"),
                new BigDecimal(invoice.get("TotalAmount").toString()), transaction);
    }

    /** The one Instant transfer of a payment, found by its bank reference: PaymentReference, else InvoiceNumber cut to 30. */
    JsonNode instantTransfer(Payment payment) {
        String reference = payment.paymentReference() != null ? payment.paymentReference() : payment.invoiceNumber().substring(0, 30);
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> call("GET",
                REPORT_SERVICE + "/v3/reporting/transfers?paymentpointid=" + INSTANT_ISSUER + "&reference=" + URLEncoder.encode(reference, StandardCharsets.UTF_8),
                null, 200).path("transfers"), t -> t.size() == 1).get(0);
    }

    /** The payment and its fee in the ledger: signs, invoice fields, and the transfer that carried them. */
    static void assertBooked(Payment payment, List<JsonNode> entries, Transfer transfer) {
        List<JsonNode> mine = entries.stream().filter(e -> payment.transactionId().equals(e.path("paymentId").asText())).toList();
        JsonNode paid = mine.stream().filter(e -> "Payment".equals(e.path("type").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("the payment of " + payment + " in " + entries));
        assertAmount(payment.amount(), paid.path("amount").decimalValue(), paid.toString());
        assertEquals("EUR", paid.path("currencyCode").asText());
        assertEquals(payment.invoiceNumber(), paid.path("merchantReference").asText(), "merchantReference is the InvoiceNumber");
        assertEquals(payment.paymentReference() == null ? "" : payment.paymentReference(), paid.path("message").asText(""), "message is the PaymentReference");
        JsonNode fee = mine.stream().filter(e -> "TransactionFee".equals(e.path("type").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("the fee of " + payment + " in " + entries));
        assertTrue(fee.path("amount").decimalValue().signum() < 0, "a fee is negative: " + fee);
        for (JsonNode entry : mine) {
            assertEquals(transfer.reference(), entry.path("transferReference").asText(), "transferred under " + transfer + ": " + entry);
            assertEquals(transfer.date().toString(), entry.path("transferDate").asText(), entry.toString());
        }
    }

    /** A transfer of the Reporting API; its bank date is the transferDate its entries carry. */
    static Transfer transfer(JsonNode transfer, List<JsonNode> entries) {
        String reference = transfer.path("reference").asText();
        LocalDate date = entries.stream().filter(e -> reference.equals(e.path("transferReference").asText())).findFirst()
                .map(e -> LocalDate.parse(e.path("transferDate").asText()))
                .orElseThrow(() -> new AssertionError("entries transferred under " + reference + ": " + entries));
        assertEquals("EUR", transfer.path("currencyCode").asText());
        return new Transfer(transfer.path("id").asText(), reference, date, transfer.path("totalTransferredAmount").decimalValue(),
                transfer.path("currencyCode").asText());
    }

    /** Every ledger entry of the merchant matching the filter, all pages, as JSON. */
    List<JsonNode> transactions(String filter) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        for (int page = 1; page > 0; ) {
            HttpResponse<String> response = send("GET", REPORT_SERVICE + "/v3/reporting/transactions?pagesize=1000&pagenumber=" + page
                    + "&" + filter, null, null, "application/json", -1);
            if (response.statusCode() != 200) {
                return entries; // a payment point report-service has not booked anything to yet is not one
            }
            JsonNode body = JSON.readTree(response.body());
            body.path("transactions").forEach(entries::add);
            page = body.path("nextPageNumber").isNull() ? 0 : body.path("nextPageNumber").asInt();
        }
        return entries;
    }

    List<JsonNode> reconciliationResults(String location) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (int page = 1; page > 0; ) {
            JsonNode body = call("GET", REPORT_SERVICE + location + "/results?pagesize=1000&pagenumber=" + page, null, 200);
            body.path("results").forEach(results::add);
            page = body.path("nextPageNumber").isNull() ? 0 : body.path("nextPageNumber").asInt();
        }
        return results;
    }

    static void assertOutcome(JsonNode result, String outcome, Transfer transfer) {
        assertNotNull(result, "a result for the line of " + transfer);
        assertEquals(outcome, result.path("outcome").asText(), result.toString());
        assertEquals(transfer.id(), result.path("transferId").asText(), result.toString());
    }

    /** Amounts are equal whatever their scale (the API writes 381.6 for 381.60). */
    static void assertAmount(BigDecimal expected, BigDecimal actual, String message) {
        assertEquals(0, expected.compareTo(actual), message + ": expected " + expected + ", was " + actual);
    }

    static BigDecimal sum(List<Payment> payments) {
        return payments.stream().map(Payment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The fees among these entries, as a positive amount. */
    static BigDecimal fees(List<JsonNode> entries) {
        return entries.stream().filter(e -> "TransactionFee".equals(e.path("type").asText()))
                .map(e -> e.path("amount").decimalValue().negate()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static String line(LocalDate bookingDate, BigDecimal amount, String reference, String text) {
        return bookingDate + "," + amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString() + ",EUR," + reference + "," + text;
    }

    /** The Luhn (mod 10) check digit of a digit string, as the bank computes it. */
    static int luhnCheckDigit(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }

    /** RFC 4180 rows: fields split at commas outside quotes, doubled quotes inside them. */
    static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        for (String rowText : text.split("\r?\n")) {
            if (rowText.isEmpty()) {
                continue;
            }
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < rowText.length(); i++) {
                char c = rowText.charAt(i);
                if (c == '"') {
                    if (quoted && i + 1 < rowText.length() && rowText.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else if (c == ',' && !quoted) {
                    row.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    JsonNode tokenRequest(Map<String, String> fields) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(LocalStack.TOKEN_URL))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** A call of the integrator's client: the merchant's token and the app's gateway headers, JSON both ways. */
    JsonNode call(String method, String url, Object body, int expected) throws Exception {
        HttpResponse<String> response = send(method, url, body == null ? null : "application/json",
                body == null ? null : JSON.writeValueAsString(body), "application/json", expected);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /** The same call with any body and Accept; {@code expected} -1 leaves the status to the caller. */
    HttpResponse<String> send(String method, String url, String contentType, String body, String accept, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + accessToken)
                .header("x-ibm-client-id", INTEGRATOR_APP.clientId()).header("x-ibm-client-secret", INTEGRATOR_APP.secret())
                .header("X-Client-System-Name", CLIENT_SYSTEM).header("X-Client-System-Version", clientVersion).header("Accept", accept);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected != -1) {
            assertEquals(expected, response.statusCode(), method + " " + url + ": " + response.body());
        }
        return response;
    }

    JsonNode create(String path, Map<String, Object> invoice) throws Exception {
        return call("POST", INVOICES + path, invoice, 200);
    }

    /** An operator's call (ops-admin, realm role admin): sandbox payers, issuers, clocks and the night run. */
    JsonNode operator(String method, String url, Object body, int expected) throws Exception {
        return exchange(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + Tokens.of(LocalStack.OPS_ADMIN, "openid")),
                method, body, expected);
    }

    /** The payer's decision through the user simulation (sandbox only). */
    JsonNode payer(String payerId, String invoiceId, String decision, Map<String, Object> body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(INVOICE_SERVICE + "/api/v1/consumers/me/invoices/" + invoiceId + "/" + decision))
                .header("AuthenticatedUser", payerId);
        return exchange(Tokens.gateway(request, MERCHANT_2, "openid invoice-usersimulation"), "PUT", body, 200);
    }

    /** Sends the request with its JSON body, if any, and asserts the status; the JSON answer. */
    JsonNode exchange(HttpRequest.Builder request, String method, Object body, int expected) throws Exception {
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), method + " " + request.build().uri() + ": " + response.body());
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /** An invoice of the journey, to the payer's phone if there is one, with a number and reference of its own. */
    static Map<String, Object> invoice(String phone, String issuer, BigDecimal amount) {
        String number = "JOURNEY-" + UUID.randomUUID().toString().substring(0, 8);
        BigDecimal vat = amount.multiply(new BigDecimal(24)).divide(new BigDecimal(124), 2, RoundingMode.HALF_UP);
        Map<String, Object> invoice = new LinkedHashMap<>(Map.of("InvoiceIssuer", issuer, "TotalAmount", amount,
                "InvoiceNumber", number, "PaymentReference", "REF-" + number,
                "DueDate", LocalDate.now(HELSINKI).plusDays(14).toString(),
                "InvoiceArticles", List.of(Map.of("ArticleDescription", "Journey", "VATRate", 24, "TotalVATAmount", vat,
                        "TotalPriceIncludingVat", amount))));
        if (phone != null) {
            invoice.put("ConsumerAlias", Map.of("Alias", phone, "AliasType", "Phone"));
        }
        return invoice;
    }

    static String id(JsonNode accepted) {
        return accepted.isTextual() ? accepted.asText() : accepted.path("invoiceId").asText();
    }

    /** How many distinct (invoiceId, sequence) items of these invoices arrived in answered-200 callbacks, per invoice. */
    static Map<String, Integer> itemsByInvoice(CallbackReceiver receiver, Set<String> invoices) {
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        for (CallbackReceiver.Request request : receiver.to("/journey")) {
            if (request.answered() == 200) {
                for (String key : PrivateStackFaultsTest.items(request.body())) {
                    String invoice = key.substring(0, key.indexOf('#'));
                    if (invoices.contains(invoice)) {
                        seen.computeIfAbsent(invoice, k -> new HashSet<>()).add(key);
                    }
                }
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        invoices.forEach(i -> counts.put(i, seen.getOrDefault(i, Set.of()).size()));
        return counts;
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, "id.timestamp.body")), the key the base64 after "whsec_"; one of the listed signatures. */
    static boolean signedBy(List<String> secrets, CallbackReceiver.Request request) throws Exception {
        assertNotNull(request.webhookSignature(), "a webhook-signature header");
        String content = request.webhookId() + "." + request.webhookTimestamp() + "." + request.body();
        for (String secret : secrets) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
            if (List.of(request.webhookSignature().split(" ")).contains(expected)) {
                return true;
            }
        }
        return false;
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
