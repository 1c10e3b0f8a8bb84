package com.invoicepay.invoice.service;

import com.invoicepay.common.events.EventJson;
import com.invoicepay.common.web.ApiException;
import com.invoicepay.invoice.persistence.InvoiceIssuer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of RULES.md that needs no database, with its code, on a fixed "today". */
class InvoiceRulesTest {
    static final LocalDate TODAY = LocalDate.of(2026, 3, 29); // the day DST starts in DK and FI

    static InvoiceIssuer issuer(String country, boolean enabled) {
        InvoiceIssuer issuer = new InvoiceIssuer();
        issuer.id = UUID.randomUUID();
        issuer.country = country;
        issuer.currency = "FI".equals(country) ? "EUR" : "DKK";
        issuer.enabled = enabled;
        return issuer;
    }

    static InvoiceInput valid() {
        return new InvoiceInput(UUID.randomUUID(), new InvoiceInput.ConsumerAlias("+4540000001", "Phone"), "Payer",
                new BigDecimal("360.00"), new BigDecimal("72"), List.of("Street 1"), null, "INV-1", "2026-03-29T08:00:00+02:00",
                "2026-04-15T00:00:00+02:00", null, null, "comment", null, null, null, "REF-1",
                List.of(new InvoiceInput.Article("1", "Thing", new BigDecimal("25"), new BigDecimal("72"),
                        new BigDecimal("360"), "pcs", new BigDecimal("6"), new BigDecimal("60"), null, null, null)),
                "https://shop.example/invoice/1", null);
    }

    static String codeOf(InvoiceInput in, InvoiceIssuer issuer, boolean link) {
        return assertThrows(ApiException.class, () -> InvoiceRules.check(in, issuer, TODAY, link)).code();
    }

    static InvoiceInput with(UnaryOperator<Builder> change) {
        return change.apply(new Builder(valid())).build();
    }

    @Test
    void aValidInvoicePassesWithDatesInTheIssuersZone() {
        InvoiceRules.Checked checked = InvoiceRules.check(valid(), issuer("DK", true), TODAY, false);
        assertEquals(LocalDate.of(2026, 4, 15), checked.dueDate());
        assertEquals("+4540000001", checked.consumerPhone());
    }

    @Test
    void aDateTimeIsReadAsTheDateItIsInTheIssuersZone() {
        // 22:30 UTC on the 14th is already the 15th in Copenhagen (summer time, +2) and in Helsinki (+3)
        InvoiceInput in = with(b -> b.dueDate("2026-04-14T22:30:00Z"));
        assertEquals(LocalDate.of(2026, 4, 15), InvoiceRules.check(in, issuer("DK", true), TODAY, false).dueDate());
        InvoiceInput early = with(b -> b.dueDate("2026-04-14T21:30:00Z"));
        assertEquals(LocalDate.of(2026, 4, 14), InvoiceRules.check(early, issuer("DK", true), TODAY, false).dueDate());
        assertEquals(LocalDate.of(2026, 4, 15), InvoiceRules.check(early, issuer("FI", true), TODAY, false).dueDate());
    }

    @Test
    void aLocalDateTimeIsReadAsItsDateAndAPlainDateAsIs() {
        // no offset: the date as written, whatever the zone; a plain date is read first, so it is never mistaken
        InvoiceInput local = with(b -> b.dueDate("2026-04-14T23:30:00"));
        assertEquals(LocalDate.of(2026, 4, 14), InvoiceRules.check(local, issuer("FI", true), TODAY, false).dueDate());
        // ISO-8601 lets the separator be a lower-case t: still a date-time, 01:30 on the 15th in Copenhagen
        assertEquals(LocalDate.of(2026, 4, 15), InvoiceRules.check(with(b -> b.dueDate("2026-04-14t23:30:00+00:00")),
                issuer("DK", true), TODAY, false).dueDate());
        assertEquals(LocalDate.of(2026, 4, 16), InvoiceRules.check(with(b -> b.dueDate("2026-04-16")),
                issuer("FI", true), TODAY, false).dueDate());
        assertEquals("11009", codeOf(with(b -> b.dueDate("2026-04-16 10:00")), issuer("DK", true), false));
    }

    @Test
    void issuerNotFoundIs10202() {
        assertEquals("10202", codeOf(valid(), null, false));
    }

    @Test
    void issuerNotEnabledIs10203() {
        assertEquals("10203", codeOf(valid(), issuer("DK", false), false));
    }

    @Test
    void amountZeroOrNegativeIs10008() {
        assertEquals("10008", codeOf(with(b -> b.amount("0")), issuer("DK", true), false));
        assertEquals("10008", codeOf(with(b -> b.amount("-1")), issuer("DK", true), false));
    }

    @Test
    void amountAboveTheCurrencysMaximumIs10201() {
        InvoiceRules.check(with(b -> b.amount("15000.00")), issuer("DK", true), TODAY, false);
        assertEquals("10201", codeOf(with(b -> b.amount("15000.01")), issuer("DK", true), false));
        InvoiceRules.check(with(b -> b.amount("2000")), issuer("FI", true), TODAY, false);
        assertEquals("10201", codeOf(with(b -> b.amount("2000.01")), issuer("FI", true), false));
    }

    @Test
    void moreThanTwoDecimalsIs11007() {
        assertEquals("11007", codeOf(with(b -> b.amount("10.001")), issuer("DK", true), false));
        InvoiceRules.check(with(b -> b.amount("10.100")), issuer("DK", true), TODAY, false); // trailing zeros are fine
    }

    @Test
    void dueDateBeforeTodayIs10311AndMoreThan400DaysAheadIs10310() {
        assertEquals("10311", codeOf(with(b -> b.dueDate("2026-03-28")), issuer("DK", true), false));
        InvoiceRules.check(with(b -> b.dueDate("2026-03-29")), issuer("DK", true), TODAY, false);
        InvoiceRules.check(with(b -> b.dueDate(TODAY.plusDays(400).toString())), issuer("DK", true), TODAY, false);
        assertEquals("10310", codeOf(with(b -> b.dueDate(TODAY.plusDays(401).toString())), issuer("DK", true), false));
    }

    @Test
    void issueDateAfterTodayIs10312() {
        assertEquals("10312", codeOf(with(b -> b.issueDate("2026-03-30")), issuer("DK", true), false));
    }

    @Test
    void missingInvoiceNumberIs11002() {
        assertEquals("11002", codeOf(with(b -> b.invoiceNumber(" ")), issuer("DK", true), false));
    }

    @Test
    void paymentReferenceOver60CharactersIs11003() {
        InvoiceRules.check(with(b -> b.paymentReference("x".repeat(60))), issuer("DK", true), TODAY, false);
        assertEquals("11003", codeOf(with(b -> b.paymentReference("x".repeat(61))), issuer("DK", true), false));
    }

    @Test
    void aliasTypeOtherThanPhoneIs11004AndABadPhoneIs11005() {
        assertEquals("11004", codeOf(with(b -> b.alias(new InvoiceInput.ConsumerAlias("+4540000001", "Email"))), issuer("DK", true), false));
        assertEquals("11005", codeOf(with(b -> b.alias(new InvoiceInput.ConsumerAlias("12345678", "Phone"))), issuer("DK", true), false));
        assertEquals("11005", codeOf(with(b -> b.alias(new InvoiceInput.ConsumerAlias("+45400000011", "Phone"))), issuer("DK", true), false));
        InvoiceRules.check(with(b -> b.alias(new InvoiceInput.ConsumerAlias("+45 40 00 00 01", null))), issuer("DK", true), TODAY, false);
    }

    @Test
    void anInvoiceDirectNeedsAConsumerALinkDoesNot() {
        assertEquals("11001", codeOf(with(b -> b.alias(null)), issuer("DK", true), false));
        InvoiceRules.check(with(b -> b.alias(null)), issuer("DK", true), TODAY, true);
    }

    @Test
    void noArticleIs11006() {
        assertEquals("11006", codeOf(with(b -> b.articles(List.of())), issuer("DK", true), false));
    }

    @Test
    void nonHttpsUrlsAre11008() {
        assertEquals("11008", codeOf(with(b -> b.invoiceUrl("http://shop.example/i/1")), issuer("DK", true), false));
        assertEquals("11008", codeOf(with(b -> b.redirectUrl("javascript:alert(1)")), issuer("DK", true), true));
        assertEquals("11008", codeOf(with(b -> b.redirectUrl("/relative")), issuer("DK", true), true));
    }

    @Test
    void aMalformedDateIs11009NamingTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> InvoiceRules.check(with(b -> b.dueDate("next tuesday")), issuer("DK", true), TODAY, false));
        assertEquals("11009", e.code());
        assertTrue(e.description().startsWith("DueDate"), e.description());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-999999999-01-01", "0000-12-31", "+10000-01-01", "+4458470-06-09"})
    void aDateOutsideFourDigitYearsIs11009(String issueDate) {
        // a batch had stored -999999999-01-01 as +4458470-06-09 and a single create answered 500 (PostgreSQL 22008)
        List<String> codes = InvoiceRules.violations(with(b -> b.issueDate(issueDate)), issuer("DK", true), TODAY, false)
                .stream().map(ApiException::code).toList();
        assertEquals(List.of("11009"), codes);
    }

    @Test
    void aBatchItemReportsEveryViolation() {
        InvoiceInput bad = with(b -> b.amount("0").invoiceNumber(null).paymentReference("x".repeat(61)));
        List<String> codes = InvoiceRules.violations(bad, issuer("DK", true), TODAY, false).stream().map(ApiException::code).toList();
        assertEquals(List.of("10008", "11002", "11003"), codes);
    }

    /** Copies an input with fields changed, through its JSON form (names as on the wire). */
    static final class Builder {
        private final Map<String, Object> fields;

        @SuppressWarnings("unchecked")
        Builder(InvoiceInput in) {
            fields = EventJson.MAPPER.convertValue(in, Map.class);
        }

        Builder set(String field, Object value) {
            fields.put(field, value);
            return this;
        }

        Builder amount(String v) { return set("totalAmount", new BigDecimal(v)); }
        Builder alias(InvoiceInput.ConsumerAlias v) { return set("consumerAlias", v); }
        Builder invoiceNumber(String v) { return set("invoiceNumber", v); }
        Builder issueDate(String v) { return set("issueDate", v); }
        Builder dueDate(String v) { return set("dueDate", v); }
        Builder paymentReference(String v) { return set("paymentReference", v); }
        Builder articles(List<InvoiceInput.Article> v) { return set("invoiceArticles", v); }
        Builder invoiceUrl(String v) { return set("invoiceUrl", v); }
        Builder redirectUrl(String v) { return set("redirectUrl", v); }

        InvoiceInput build() {
            return EventJson.MAPPER.convertValue(fields, InvoiceInput.class);
        }
    }
}
