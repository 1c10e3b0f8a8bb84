package com.invoicepay.callback.security;

import com.invoicepay.callback.CallbackErrors;
import com.invoicepay.callback.config.CallbackConfig;
import com.invoicepay.common.web.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * The SSRF guard of callback URLs. A URL must be absolute HTTPS and every address its host resolves
 * to must be public: no loopback, private, link-local (cloud metadata included), unique-local,
 * carrier-grade NAT, multicast, unspecified or reserved addresses. Checked at registration and again
 * at each delivery, which then connects to the address that was checked (no second lookup).
 * Sandbox configuration ({@code callback.allow-plain-http-loopback}) admits http or https to the
 * literal host 127.0.0.1 only.
 */
@ApplicationScoped
public class CallbackUrls {
    public static final int MAX_LENGTH = 1000;

    /** A URL that passed the guard and the address to connect to. */
    public record Target(URI uri, InetAddress address, int port, boolean ssl) {
    }

    private final boolean allowLoopback;
    private final Map<String, String> hosts;

    @Inject
    public CallbackUrls(CallbackConfig config) {
        this(config.allowPlainHttpLoopback(), config.hosts());
    }

    public CallbackUrls(boolean allowLoopback, Map<String, String> hosts) {
        this.allowLoopback = allowLoopback;
        this.hosts = hosts;
    }

    /** Syntax and scheme only: no lookup. */
    public URI parse(String url) {
        if (url.length() > MAX_LENGTH) {
            throw CallbackErrors.input(CallbackErrors.FIELD_TOO_LONG, "CallbackUrl is longer than " + MAX_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw CallbackErrors.input(CallbackErrors.URL_MALFORMED, "CallbackUrl is not a valid absolute URL.");
        }
        // java.net.URI takes any digits as a port: 0 and 99999 were accepted, and every delivery then failed
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getScheme() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null || uri.getPort() == 0 || uri.getPort() > 65535) {
            throw CallbackErrors.input(CallbackErrors.URL_MALFORMED,
                    "CallbackUrl must be an absolute URL with a host (and a port of 1-65535 if any), without user info or fragment.");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean sandboxLoopback = allowLoopback && "127.0.0.1".equals(uri.getHost());
        if (!"https".equals(scheme) && !("http".equals(scheme) && sandboxLoopback)) {
            throw CallbackErrors.input(CallbackErrors.URL_NOT_HTTPS, "CallbackUrl must use HTTPS.");
        }
        return uri;
    }

    /** Parses, resolves and checks every address; blocking (DNS), so never on an event loop. */
    public Target check(String url) {
        URI uri = parse(url);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            String override = hosts.get(host.toLowerCase(Locale.ROOT));
            addresses = override != null ? new InetAddress[]{InetAddress.getByName(override)} : InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw CallbackErrors.input(CallbackErrors.URL_UNRESOLVABLE, "The host of CallbackUrl cannot be resolved.");
        }
        for (InetAddress address : addresses) {
            if (forbidden(address, uri.getHost())) {
                throw CallbackErrors.input(CallbackErrors.URL_FORBIDDEN_ADDRESS,
                        "CallbackUrl must not point to a loopback, private, link-local or otherwise internal address.");
            }
        }
        boolean ssl = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        return new Target(uri, addresses[0], port, ssl);
    }

    /** Whether connecting to {@code address} for a URL whose host is {@code urlHost} is refused. */
    boolean forbidden(InetAddress address, String urlHost) {
        if (allowLoopback && "127.0.0.1".equals(urlHost) && "127.0.0.1".equals(address.getHostAddress())) {
            return false;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff, second = b[1] & 0xff;
            return first == 0                                   // "this" network
                    || first == 100 && (second & 0xc0) == 64    // 100.64.0.0/10 carrier-grade NAT
                    || first == 192 && second == 0 && (b[2] & 0xff) == 0 // 192.0.0.0/24 protocol assignments
                    || first == 198 && (second & 0xfe) == 18    // 198.18.0.0/15 benchmarking
                    || first >= 240;                            // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local (fd00:ec2::254, the AWS IPv6 metadata address, included)
            }
            boolean mapped = true; // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address: judge that one
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                try {
                    return forbidden(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}), urlHost);
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            return (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8); // 2001:db8::/32 documentation
        }
        return true;
    }
}
