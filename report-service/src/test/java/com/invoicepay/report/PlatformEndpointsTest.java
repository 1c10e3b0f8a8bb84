package com.invoicepay.report;

import com.invoicepay.testsupport.PlatformEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PlatformEndpointsTest extends PlatformEndpointsContract {
    @Override
    protected String documentedPath() {
        return "/sandbox/clock"; // until this service's own API lands
    }
}
