package com.invoicepay.common.gateway;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A public API operation behind the gateway: bearer token from Keycloak with {@link #scope()}, the
 * app's {@code x-ibm-client-id}/{@code x-ibm-client-secret}, the merchant from the token, and the
 * rate limit. Enforced by {@link GatewayFilter}; on a method it overrides the class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface GatewayProtected {
    /** The scope the access token must carry, one of {@link Scopes}. */
    String scope();
}
