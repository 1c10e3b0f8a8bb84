package com.invoicepay.testsupport;

import io.restassured.response.ValidatableResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sends the same request from {@code count} threads released together, for races between a check and an insert. */
public final class AtOnce {
    private AtOnce() {
    }

    /** Every thread's answer, in thread order. */
    public static <T> List<T> run(int count, Callable<T> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<T> all = new ArrayList<>();
            for (Future<T> answer : answers) {
                all.add(answer.get(60, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Exactly one answer has status {@code created}; every other is a 409 with {@code conflictCode}. */
    public static void assertOneCreatedRestConflicts(List<ValidatableResponse> answers, int created, String conflictCode) {
        List<Integer> statuses = answers.stream().map(a -> a.extract().statusCode()).toList();
        assertEquals(1, statuses.stream().filter(s -> s == created).count(), "statuses " + statuses);
        answers.stream().filter(a -> a.extract().statusCode() != created)
                .forEach(a -> a.statusCode(409).body("error_code", equalTo(conflictCode)));
    }
}
