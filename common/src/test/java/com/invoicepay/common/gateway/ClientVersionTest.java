package com.invoicepay.common.gateway;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.PlatformErrors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientVersionTest {
    @Test
    void parsesMajorMinorBuild() {
        ClientVersion v = ClientVersion.parse("ShopSys ERP", "2.14.301").orElseThrow();
        assertEquals(new ClientVersion("ShopSys ERP", 2, 14, 301), v);
        assertEquals("2.14", v.majorMinor());
        assertEquals("2.14.301", v.version());
    }

    @Test
    void noHeadersIsNoVersion() {
        assertTrue(ClientVersion.parse(null, null).isEmpty());
        assertTrue(ClientVersion.parse(" ", "").isEmpty());
    }

    @ParameterizedTest
    @CsvSource(value = {"ShopSys|1.2", "ShopSys|1.2.3.4", "ShopSys|v1.2.3", "ShopSys|01.2.3", "ShopSys|1.-2.3",
            "ShopSys|1.2.x", "ShopSys|9999999999.1.1", "|1.2.3", "ShopSys|", "Shop<script>|1.2.3"}, delimiter = '|')
    void malformedVersionsAre400WithTheirOwnCode(String name, String version) {
        ApiException e = assertThrows(ApiException.class, () -> ClientVersion.parse(name, version));
        assertEquals(400, e.status());
        assertEquals(PlatformErrors.CLIENT_VERSION_MALFORMED, e.code());
        assertTrue(e.description().contains("X-Client-System-"), e.description());
    }

    @Test
    void theMessageNamesTheExpectedForm() {
        ApiException e = assertThrows(ApiException.class, () -> ClientVersion.parse("ShopSys", "1.2"));
        assertTrue(e.description().contains("Major.Minor.Build"), e.description());
    }
}
