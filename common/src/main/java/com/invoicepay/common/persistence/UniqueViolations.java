package com.invoicepay.common.persistence;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;

import java.util.function.Predicate;

/**
 * For a create that checks "does it exist?" and then inserts: two identical requests at once both pass the check, and
 * the second insert breaks a unique constraint. That is the client's conflict, answered like the check's refusal,
 * never a 500. With Panache the caller flushes ({@code Panache.flush()}) right after the persist, so the insert
 * fails inside its chain (not at the commit, after it) and
 * {@code .onFailure(UniqueViolations.of("constraint")).transform(...)} can map it; the transaction still rolls back.
 */
public final class UniqueViolations {
    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolations() {
    }

    /** True for a violation of {@code constraint} anywhere in the cause chain (Hibernate's or the PostgreSQL client's). */
    public static Predicate<Throwable> of(String constraint) {
        return failure -> {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof ConstraintViolationException violation && constraint.equals(violation.getConstraintName())) {
                    return true;
                }
                if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()) && constraint.equals(pg.getConstraint())) {
                    return true;
                }
            }
            return false;
        };
    }
}
