package com.canopyhub.delivery.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Server-side request forgery rules for webhook URLs: https only, and never an address inside the hub's network
 * (loopback, private, link-local, unique-local, carrier-grade NAT, multicast, unspecified), checked on the addresses
 * the name actually resolves to, at connect time (this is the HTTP client's DNS resolver, so a name re-bound to an
 * internal address between checks is still refused). Hosts in {@code hub.webhooks.allowed-private-hosts} (as written
 * in the URL) are exempt, and may use http. Redirects are never followed (camel-http's followRedirects=false).
 */
public final class UrlGuard implements DnsResolver {

    private final Set<String> allowedHosts;
    private final DnsResolver dns;

    public UrlGuard(java.util.Collection<String> allowedHosts) {
        this(allowedHosts, SystemDefaultDnsResolver.INSTANCE);
    }

    UrlGuard(java.util.Collection<String> allowedHosts, DnsResolver dns) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.dns = dns;
    }

    public boolean allowsPrivate(String host) {
        return host != null && allowedHosts.contains(bare(host));
    }

    /** Why a URL is refused before any connection (scheme), or null. */
    public String schemeProblem(String url) {
        URI uri = URI.create(url);
        if ("https".equalsIgnoreCase(uri.getScheme()) || allowsPrivate(uri.getHost())) {
            return null;
        }
        return "http:// is only allowed for hosts in hub.webhooks.allowed-private-hosts; use https://";
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = dns.resolve(host);
        if (allowsPrivate(host)) {
            return addresses;
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                throw new RefusedAddressException(host + " resolves to " + a.getHostAddress()
                        + ", an internal address (loopback, private or link-local): refused unless " + host
                        + " is in hub.webhooks.allowed-private-hosts");
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return dns.resolveCanonicalHostname(host);
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0)       // IETF protocol assignments
                    || (first == 198 && (second == 18 || second == 19))          // benchmarking
                    || first >= 240;                                             // reserved, broadcast
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            // IPv4-mapped ::ffff:a.b.c.d
            boolean mapped = Arrays.equals(Arrays.copyOf(b, 10), new byte[10]) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return isInternal(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String bare(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** A URL whose host resolved to an internal address: the attempt is REFUSED, nothing was sent. */
    public static final class RefusedAddressException extends UnknownHostException {
        public RefusedAddressException(String message) {
            super(message);
        }
    }
}
