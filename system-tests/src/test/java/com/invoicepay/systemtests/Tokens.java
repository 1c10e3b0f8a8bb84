package com.invoicepay.systemtests;

import com.invoicepay.testsupport.Keycloak;
import com.invoicepay.testsupport.LocalStack;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static com.invoicepay.testsupport.LocalStack.INTEGRATOR_APP;

/** Real tokens (of integrator-app unless another app is named) for tests that outlive one (5 minutes): each is fetched again after 3 minutes. */
final class Tokens {
    private record Issued(String token, long at) {
    }

    private static final Map<String, Issued> ISSUED = new ConcurrentHashMap<>();

    private Tokens() {
    }

    static String of(LocalStack.User user, String scope) {
        return of(INTEGRATOR_APP, user, scope);
    }

    static String of(LocalStack.App app, LocalStack.User user, String scope) {
        String key = app.clientId() + " " + user.username() + " " + scope;
        Issued issued = ISSUED.get(key);
        if (issued == null || System.currentTimeMillis() - issued.at() > 180_000) {
            issued = new Issued(Keycloak.userToken(app, user, scope), System.currentTimeMillis());
            ISSUED.put(key, issued);
        }
        return issued.token();
    }

    /** The bearer token plus the app's gateway headers, as an integrator's client calls the APIs. */
    static HttpRequest.Builder gateway(HttpRequest.Builder request, LocalStack.User user, String scope) {
        return request.header("Authorization", "Bearer " + of(user, scope)).header("x-ibm-client-id", INTEGRATOR_APP.clientId())
                .header("x-ibm-client-secret", INTEGRATOR_APP.secret());
    }
}
