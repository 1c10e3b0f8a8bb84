package com.invoicepay.report.transfer;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BankReferenceTest {

    @Test
    void luhnOfTheTextbookExample() {
        assertEquals(3, BankReference.luhnCheckDigit("7992739871")); // 79927398713
        assertTrue(BankReference.luhnValid("79927398713"));
        assertFalse(BankReference.luhnValid("79927398710"));
    }

    /**
     * By hand: 04 00000000 007 251026 → digits from the right 6,2,0,1,5,2,7,0,…,0,4,0; doubled
     * (1st, 3rd …): 6→12→3, 0, 5→10→1, 7→14→5, zeros = 9; the others 2+1+2+4 = 9 (plus zeros);
     * 18 → check digit (10 − 8) = 2.
     */
    @Test
    void dailyReferenceByHand() {
        String ref = BankReference.daily(7, LocalDate.of(2026, 10, 25));
        assertEquals("04000000000072510262", ref);
        assertEquals(20, ref.length());
        assertTrue(BankReference.luhnValid(ref));
    }

    /** By hand: 04 00000000 001 300326: doubled 6→3, 3→6, 0, 1→2, 0 …, 0 = 11; others 2+3+4 = 9; 20 → 0. */
    @Test
    void dailyReferenceWithCheckDigitZero() {
        assertEquals("04000000000013003260", BankReference.daily(1, LocalDate.of(2026, 3, 30)));
    }

    @Test
    void runningNumberIsThreeDigits() {
        assertThrows(IllegalArgumentException.class, () -> BankReference.daily(0, LocalDate.of(2026, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> BankReference.daily(1000, LocalDate.of(2026, 1, 1)));
        assertTrue(BankReference.daily(999, LocalDate.of(2026, 12, 31)).startsWith("0400000000999311226"));
    }

    @Test
    void instantReferenceIsPaymentReferenceElseInvoiceNumberCutTo30() {
        assertEquals("PR-1", BankReference.instant("PR-1", "INV-1"));
        assertEquals("INV-1", BankReference.instant(null, "INV-1"));
        assertEquals("INV-1", BankReference.instant("  ", "INV-1"));
        assertEquals("123456789012345678901234567890", BankReference.instant("1234567890123456789012345678901234567890", "x"));
        assertEquals("ABCDEFGHIJABCDEFGHIJABCDEFGHIJ", BankReference.instant(null, "ABCDEFGHIJABCDEFGHIJABCDEFGHIJKLM"));
    }
}
