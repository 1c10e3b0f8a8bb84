package com.invoicepay.certification;

import com.invoicepay.testsupport.PlatformEndpointsContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PlatformEndpointsTest extends PlatformEndpointsContract {
    @Override
    protected String documentedPath() {
        return "/api/v1/certification/catalog";
    }
}
