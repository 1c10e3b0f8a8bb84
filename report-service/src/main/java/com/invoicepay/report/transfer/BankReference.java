package com.invoicepay.report.transfer;

import java.time.LocalDate;

/** The bank references of transfers (DESIGN.md "Reconciliation", seed 004). */
public final class BankReference {
    /** How much of a reference reaches the bank statement. */
    public static final int MAX_LENGTH = 30;

    private BankReference() {
    }

    /** Instant transfer: PaymentReference, else InvoiceNumber, cut to 30 characters. */
    public static String instant(String paymentReference, String invoiceNumber) {
        String ref = paymentReference != null && !paymentReference.isBlank() ? paymentReference
                : invoiceNumber == null ? "" : invoiceNumber;
        return ref.length() <= MAX_LENGTH ? ref : ref.substring(0, MAX_LENGTH);
    }

    /**
     * Daily transfer: {@code PC AAAAAAAA RRR DD MM YY X} = 04, 00000000, the night's running number,
     * the transfer date and the Luhn check digit of the 19 digits before it (20 digits).
     */
    public static String daily(int runningNumber, LocalDate transferDate) {
        if (runningNumber < 1 || runningNumber > 999) {
            throw new IllegalArgumentException("running number must be 1..999, was " + runningNumber);
        }
        String body = "04" + "00000000" + String.format("%03d", runningNumber)
                + String.format("%02d%02d%02d", transferDate.getDayOfMonth(), transferDate.getMonthValue(),
                transferDate.getYear() % 100);
        return body + luhnCheckDigit(body);
    }

    /** The Luhn (mod 10) check digit to append to {@code digits}. */
    public static int luhnCheckDigit(String digits) {
        int sum = 0;
        boolean doubled = true; // the rightmost digit of the payload is doubled
        for (int i = digits.length() - 1; i >= 0; i--) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not a digit string: " + digits);
            }
            int d = c - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }

    /** True when the last digit of {@code number} is the Luhn check digit of the rest. */
    public static boolean luhnValid(String number) {
        return number.length() > 1 && number.chars().allMatch(Character::isDigit)
                && luhnCheckDigit(number.substring(0, number.length() - 1)) == number.charAt(number.length() - 1) - '0';
    }
}
