package com.invoicepay.report.reconciliation;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatementParserTest {
    @Test
    void aLineWithQuotedFields() {
        StatementParser.Line l = StatementParser.parse(2, "2026-11-23,1234.50,DKK,\"REF,1\",\"Payout \"\"MobilePay\"\"\"");
        assertEquals(LocalDate.of(2026, 11, 23), l.bookingDate());
        assertEquals(new BigDecimal("1234.50"), l.amount());
        assertEquals("REF,1", l.reference());
        assertEquals("Payout \"MobilePay\"", l.text());
    }

    @Test
    void malformedLinesSayWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StatementParser.parse(3, "2026-13-01,1.00,DKK,r,t"))
                .getMessage().contains("booking_date"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StatementParser.parse(3, "2026-11-01,1,5,DKK,r,t"))
                .getMessage().contains("5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StatementParser.parse(3, "2026-11-01,1.005,DKK,r,t"))
                .getMessage().contains("amount"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StatementParser.parse(3, "2026-11-01,1.00,kr,r,t"))
                .getMessage().contains("currency"));
        // ISO-8601 reads these; PostgreSQL's COPY refused them and failed the whole run
        for (String date : new String[]{"0000-01-01", "+999999999-01-01", "+10000-01-01"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> StatementParser.parse(3, date + ",1.00,DKK,r,t"))
                    .getMessage().contains("0001-9999"), date);
        }
    }

    @Test
    void theHeaderIsRecognisedWithABomAndAnyCase() {
        assertTrue(StatementParser.isHeader("\uFEFFBooking_Date,Amount,Currency,Reference,Text"));
        assertTrue(!StatementParser.isHeader("date;amount;text"));
    }
}
