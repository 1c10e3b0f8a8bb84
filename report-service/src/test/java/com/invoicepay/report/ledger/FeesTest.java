package com.invoicepay.report.ledger;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeesTest {
    static BigDecimal fee(String amount, String pct, String fixed) {
        return Fees.feeOf(new BigDecimal(amount), new BigDecimal(pct), new BigDecimal(fixed));
    }

    @Test
    void percentagePlusFixedRoundedHalfUp() {
        assertEquals(new BigDecimal("2.51"), fee("150.50", "1.00", "1.00")); // 1.505 + 1.00 = 2.505 → 2.51 (half-even would say 2.50)
        assertEquals(new BigDecimal("2.23"), fee("123.45", "1.00", "1.00")); // 2.2345 → 2.23
        assertEquals(new BigDecimal("0.11"), fee("0.50", "1.00", "0.10"));   // 0.105 → 0.11
        assertEquals(new BigDecimal("0.00"), fee("100.00", "0", "0"));
        assertEquals(new BigDecimal("1.75"), fee("100.00", "0.75", "1"));
    }

    @Test
    void theFeeNeverExceedsThePayment() {
        assertEquals(new BigDecimal("0.50"), fee("0.50", "1.00", "1.00"));
    }
}
