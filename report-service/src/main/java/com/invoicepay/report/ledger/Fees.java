package com.invoicepay.report.ledger;

import com.invoicepay.report.config.ReportConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** The transaction fee of a payment: percentage plus fixed amount per currency, half-up to 2 decimals. */
@ApplicationScoped
public class Fees {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private final Map<String, ReportConfig.Fee> fees;

    @jakarta.inject.Inject
    public Fees(ReportConfig config) {
        this.fees = config.fees();
    }

    Fees(Map<String, ReportConfig.Fee> fees) {
        this.fees = fees;
    }

    /** The fee (a positive amount, never more than the payment); zero for a currency without a fee. */
    public BigDecimal of(BigDecimal amount, String currency) {
        ReportConfig.Fee fee = fees.get(currency);
        if (fee == null) {
            return BigDecimal.ZERO.setScale(2);
        }
        return feeOf(amount, fee.percentage(), fee.fixed());
    }

    public static BigDecimal feeOf(BigDecimal amount, BigDecimal percentage, BigDecimal fixed) {
        BigDecimal fee = amount.multiply(percentage).divide(HUNDRED).add(fixed).setScale(2, RoundingMode.HALF_UP);
        return fee.min(amount.setScale(2, RoundingMode.HALF_UP)).max(BigDecimal.ZERO.setScale(2));
    }
}
