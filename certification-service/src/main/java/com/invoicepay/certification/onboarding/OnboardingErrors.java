package com.invoicepay.certification.onboarding;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;

/** Error codes of the Onboarding API (121xx), listed with their tests in the README's onboarding section. */
public final class OnboardingErrors {
    /** A required field is missing or blank; the description names it. */
    public static final String FIELD_REQUIRED = "12101";
    /** A field is too long or has forbidden characters; the description names it. */
    public static final String FIELD_INVALID = "12102";
    /** environment is neither sandbox nor production. */
    public static final String ENVIRONMENT_UNKNOWN = "12103";
    /** Another integrator already has this name. */
    public static final String INTEGRATOR_NAME_TAKEN = "12104";
    /** The integrator already has an app of this name. */
    public static final String APP_NAME_TAKEN = "12105";
    /** Not one of the subscribable APIs; the description lists them. */
    public static final String API_UNKNOWN = "12106";
    /** The API does not exist in the app's environment (the user simulation is sandbox only). */
    public static final String API_NOT_IN_ENVIRONMENT = "12107";
    /** The username or email of a new integrator user is taken in Keycloak. */
    public static final String USER_TAKEN = "12108";
    /** A redirect URI that is not an absolute https URI (http only for loopback in sandbox), or has a fragment or user info. */
    public static final String REDIRECT_URI_NOT_HTTPS = "12110";
    /** A redirect URI with a wildcard: only exact URIs are registered. */
    public static final String REDIRECT_URI_WILDCARD = "12111";
    /** The app already asked for this redirect URI. */
    public static final String REDIRECT_URI_DUPLICATE = "12112";
    /** The redirect URI was already approved or rejected. */
    public static final String REDIRECT_URI_DECIDED = "12113";
    /** The caller is neither an integrator (integrator_id, not acting for a merchant) nor an administrator. */
    public static final String NOT_AN_INTEGRATOR = "12120";
    /** The integrator, app or redirect URI belongs to another integrator. */
    public static final String OTHER_INTEGRATOR = "12121";
    /** The action is an administrator's (realm role admin). */
    public static final String ADMIN_ONLY = "12122";
    /** The caller's token carries no merchant_id: consents are a merchant's. */
    public static final String NOT_A_MERCHANT = "12123";
    /** No integrator with this id. */
    public static final String INTEGRATOR_NOT_FOUND = "12130";
    /** No app with this id. */
    public static final String APP_NOT_FOUND = "12131";
    /** No redirect URI with this id. */
    public static final String REDIRECT_URI_NOT_FOUND = "12132";
    /** The merchant has given no consent to this client of an integrator. */
    public static final String CONSENT_NOT_FOUND = "12133";
    /** No user with this id among the integrator's users. */
    public static final String USER_NOT_FOUND = "12134";

    static ApiException input(String code, String description) {
        return new ApiException(400, ErrorKind.InputError, code, description);
    }

    static ApiException conflict(String code, String description) {
        return new ApiException(409, ErrorKind.DomainError, code, description);
    }

    static ApiException forbidden(String code, String description) {
        return new ApiException(403, ErrorKind.InputError, code, description);
    }

    static ApiException notFound(String code, String description) {
        return new ApiException(404, ErrorKind.InputError, code, description);
    }

    private OnboardingErrors() {
    }
}
