package com.invoicepay.common.gateway;

import com.invoicepay.common.events.EventOrigin;
import jakarta.enterprise.context.RequestScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who is calling, as established by {@link GatewayFilter} for a {@link GatewayProtected} operation:
 * the merchant (token claim {@code merchant_id}), the app (token {@code azp}), its declared version,
 * and the token session ({@code sid}, {@code iat}) that api-activity records carry.
 */
@RequestScoped
public class CallerContext {
    private UUID merchantId;
    private String clientId;
    private ClientVersion clientVersion;
    private String sessionId;
    private Instant issuedAt;
    private String environment;
    private final long startedAt = System.nanoTime();
    private UUID invoiceId;
    private final Map<String, String> observed = new LinkedHashMap<>();

    void establish(UUID merchantId, String clientId, ClientVersion clientVersion, String sessionId,
                   Instant issuedAt, String environment) {
        this.merchantId = merchantId;
        this.clientId = clientId;
        this.clientVersion = clientVersion;
        this.sessionId = sessionId;
        this.issuedAt = issuedAt;
        this.environment = environment;
    }

    public boolean established() {
        return merchantId != null;
    }

    public UUID merchantId() {
        if (merchantId == null) {
            throw new IllegalStateException("no gateway caller on this request; is the operation @GatewayProtected?");
        }
        return merchantId;
    }

    public String clientId() {
        return clientId;
    }

    public Optional<ClientVersion> clientVersion() {
        return Optional.ofNullable(clientVersion);
    }

    public String sessionId() {
        return sessionId;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    /** Who caused the events this call leads to: correlation id, client and its version. */
    public EventOrigin eventOrigin(String correlationId) {
        return new EventOrigin(correlationId, clientId, clientVersion == null ? null : clientVersion.systemName(),
                clientVersion == null ? null : clientVersion.version());
    }

    /** Names the invoice this call concerns, for its api-activity record. */
    public void observeInvoice(UUID invoiceId) {
        this.invoiceId = invoiceId;
    }

    /** Records a business value the call carried (amount, references), for its api-activity record. */
    public void observe(String name, String value) {
        if (value != null) {
            observed.put(name, value);
        }
    }

    UUID invoiceId() {
        return invoiceId;
    }

    Map<String, String> observed() {
        return Map.copyOf(observed);
    }

    long startedAt() {
        return startedAt;
    }

    /** {@code production} for production clients (gated by certification), else {@code sandbox}. */
    public String environment() {
        return environment;
    }
}
