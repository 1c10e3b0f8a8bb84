package com.invoicepay.common.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are read case-insensitively (the original accepted {@code InvoiceId} and
 * {@code invoiceId}); responses keep the schemas' camelCase names. Trailing garbage after the JSON
 * value makes the body malformed rather than silently ignored.
 */
@Singleton
public class RequestJson implements ObjectMapperCustomizer {
    @Override
    @SuppressWarnings("deprecation") // configure() on a built mapper is the hook Quarkus gives us
    public void customize(ObjectMapper mapper) {
        mapper.configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES, true);
        mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        mapper.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        mapper.configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    }
}
