package com.invoicepay.report;

import com.invoicepay.testsupport.PlatformEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PlatformEndpointsTest extends PlatformEndpointsContract {
    @Override
    protected String documentedPath() {
        return "/v3/reporting/transactions";
    }
}
