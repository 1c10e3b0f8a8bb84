package com.invoicepay.certification.onboarding;

import com.invoicepay.common.web.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rules a redirect URI must meet before it may await approval (unit). */
class RedirectUriRulesTest {

    @ParameterizedTest(name = "{0} in {1}, sandbox mode {2}")
    @CsvSource({
            "https://erp.example.com/callback, SANDBOX, true",
            "https://erp.example.com/callback?tenant=7, PRODUCTION, false",
            "http://127.0.0.1:8080/callback, SANDBOX, true",
            "http://localhost/callback, SANDBOX, true",
            "https://127.0.0.1/callback, SANDBOX, true",
    })
    void acceptedAsGiven(String uri, Environment environment, boolean sandboxMode) {
        assertEquals(uri, RedirectUriRules.check(uri, environment, sandboxMode));
    }

    @ParameterizedTest(name = "{0} in {1}, sandbox mode {2}: {3}")
    @CsvSource({
            "http://erp.example.com/callback, SANDBOX, true, 12110",
            "http://127.0.0.1/callback, PRODUCTION, true, 12110",
            "http://127.0.0.1/callback, SANDBOX, false, 12110",
            "https://127.0.0.1/callback, PRODUCTION, false, 12110",
            "ftp://erp.example.com/callback, SANDBOX, true, 12110",
            "/callback, SANDBOX, true, 12110",
            "https://erp.example.com/callback#done, SANDBOX, true, 12110",
            "https://user:pw@erp.example.com/callback, SANDBOX, true, 12110",
            "https://erp.example.com/ca llback, SANDBOX, true, 12110",
            "https://erp.example.com/*, SANDBOX, true, 12111",
            "https://*.example.com/callback, SANDBOX, true, 12111",
            "'  ', SANDBOX, true, 12101",
    })
    void refused(String uri, Environment environment, boolean sandboxMode, String code) {
        ApiException refused = assertThrows(ApiException.class, () -> RedirectUriRules.check(uri, environment, sandboxMode));
        assertEquals(400, refused.status());
        assertEquals(code, refused.code());
    }

    @org.junit.jupiter.api.Test
    void aUriLongerThan2000CharactersIsRefused() {
        String uri = "https://erp.example.com/" + "a".repeat(RedirectUriRules.MAX_LENGTH);
        assertEquals("12102", assertThrows(ApiException.class,
                () -> RedirectUriRules.check(uri, Environment.SANDBOX, true)).code());
    }
}
