package com.invoicepay.common.gateway;

import com.invoicepay.common.web.ApiException;
import com.invoicepay.common.web.ErrorKind;
import com.invoicepay.common.web.PlatformErrors;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client system and version an integrator's app declares with {@code X-Client-System-Name} and
 * {@code X-Client-System-Version} (Major.Minor.Build). Certification covers a Major.Minor.
 */
public record ClientVersion(String systemName, int major, int minor, int build) {
    public static final String NAME_HEADER = "X-Client-System-Name";
    public static final String VERSION_HEADER = "X-Client-System-Version";

    private static final Pattern VERSION = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._-]{1,100}");

    /**
     * Parses the two headers. Both absent is no version; one without the other, or a malformed
     * value, is a 400 that names the header and the expected form.
     */
    public static Optional<ClientVersion> parse(String name, String version) {
        boolean noName = name == null || name.isBlank();
        boolean noVersion = version == null || version.isBlank();
        if (noName && noVersion) {
            return Optional.empty();
        }
        if (noName) {
            throw malformed(NAME_HEADER + " is required when " + VERSION_HEADER + " is sent.");
        }
        if (noVersion) {
            throw malformed(VERSION_HEADER + " is required when " + NAME_HEADER + " is sent.");
        }
        if (!NAME.matcher(name.trim()).matches()) {
            throw malformed(NAME_HEADER + " must be 1 to 100 letters, digits, spaces, '.', '_' or '-'.");
        }
        Matcher m = VERSION.matcher(version.trim());
        if (!m.matches()) {
            throw malformed(VERSION_HEADER + " '" + printable(version) + "' is not of the form Major.Minor.Build, e.g. 1.4.12.");
        }
        return Optional.of(new ClientVersion(name.trim(), Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    }

    /** What a certificate covers: every build of this Major.Minor. */
    public String majorMinor() {
        return major + "." + minor;
    }

    /** Major.Minor.Build, as sent. */
    public String version() {
        return major + "." + minor + "." + build;
    }

    private static ApiException malformed(String description) {
        return new ApiException(400, ErrorKind.InputError, PlatformErrors.CLIENT_VERSION_MALFORMED, description);
    }

    /** Echo a bad value without control characters and at bounded length. */
    private static String printable(String value) {
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }
}
