package com.invoicepay.common.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request mapper reads what the contracts' types say and refuses a value of another JSON type. */
class RequestJsonTest {
    enum AliasType { Phone, Email }

    public record Body(String number, BigDecimal amount, Integer count, Boolean granted, AliasType aliasType) {
    }

    private static final ObjectMapper MAPPER = mapper();

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new RequestJson().customize(mapper);
        return mapper;
    }

    @Test
    void valuesOfTheirOwnTypesAreReadWhateverTheNamesCase() throws Exception {
        Body body = MAPPER.readValue("""
                {"Number": "N-1", "AMOUNT": 360, "count": 2, "granted": true, "aliasType": "Phone"}""", Body.class);
        assertEquals(new Body("N-1", new BigDecimal("360"), 2, true, AliasType.Phone), body);
        assertEquals(new BigDecimal("360.50"), MAPPER.readValue("{\"amount\": 360.50}", Body.class).amount());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"number\": 12345}", "{\"number\": 1.5}", "{\"number\": true}",
            "{\"amount\": \"360\"}", "{\"amount\": false}", "{\"count\": \"2\"}", "{\"count\": true}",
            "{\"granted\": \"true\"}", "{\"granted\": 1}", "{\"granted\": 0.0}",
            "{\"aliasType\": 0}"})
    void aValueOfAnotherJsonTypeIsRefused(String json) {
        assertThrows(MismatchedInputException.class, () -> MAPPER.readValue(json, Body.class));
    }

    @Test
    void aFieldGivenTwiceIsMalformed() {
        var duplicate = assertThrows(com.fasterxml.jackson.core.JsonParseException.class,
                () -> MAPPER.readValue("{\"number\": \"N-1\", \"number\": \"N-2\"}", Body.class));
        assertTrue(duplicate.getOriginalMessage().contains("Duplicate field 'number'"), duplicate.getOriginalMessage());
    }

    @Test
    void aTextWithANulCharacterIsAnInvalidValueOfItsField() throws Exception {
        var nul = assertThrows(com.fasterxml.jackson.databind.exc.InvalidFormatException.class,
                () -> MAPPER.readValue("{\"number\": \"N\\u00001\"}", Body.class));
        assertEquals("number", nul.getPath().get(0).getFieldName());
        assertEquals("N-1", MAPPER.readValue("{\"number\": \"N-1\"}", Body.class).number(), "other text is read as before");
    }
}
