//! The SSRF guard: which addresses tidings may connect to. By default nothing on the loopback,
//! private, link-local, unique-local, shared (CGNAT), multicast, broadcast, documentation or
//! unspecified ranges, over IPv4, IPv6 and IPv4-mapped/compatible IPv6. An allow-list opens
//! specific hosts or ranges (tests, intranet deployments).

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Ranges allowed even though they are private.
    pub allow_ranges: Vec<IpNet>,
    /// Host names allowed whatever they resolve to.
    pub allow_hosts: Vec<String>,
}

impl AddressPolicy {
    /// Why `ip` may not be connected to for `host`, or `None` when it may.
    pub fn refusal(&self, host: &str, ip: IpAddr) -> Option<&'static str> {
        if self
            .allow_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
        {
            return None;
        }
        if self.allow_ranges.iter().any(|r| r.contains(&ip)) {
            return None;
        }
        forbidden_reason(ip)
    }
}

/// Why an address is not on the public internet, or `None`.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => {
            // ::ffff:a.b.c.d and ::a.b.c.d reach IPv4 hosts: judge the IPv4 address.
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_reason(v4);
            }
            let seg = v6.segments();
            if seg[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_unspecified() && !v6.is_loopback() {
                return v4_reason(Ipv4Addr::new(
                    (seg[6] >> 8) as u8,
                    seg[6] as u8,
                    (seg[7] >> 8) as u8,
                    seg[7] as u8,
                ));
            }
            v6_reason(v6)
        }
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    Some(if ip.is_loopback() {
        "loopback address"
    } else if ip.is_private() {
        "private address"
    } else if ip.is_link_local() {
        "link-local address"
    } else if ip.is_unspecified() || o[0] == 0 {
        "unspecified address"
    } else if ip.is_multicast() || o[0] >= 240 {
        "multicast or reserved address"
    } else if ip.is_broadcast() {
        "broadcast address"
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        "shared (carrier-grade NAT) address"
    } else if ip.is_documentation()
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
    {
        "reserved address"
    } else {
        return None;
    })
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    Some(if ip.is_loopback() {
        "loopback address"
    } else if ip.is_unspecified() {
        "unspecified address"
    } else if ip.is_multicast() {
        "multicast address"
    } else if (first & 0xffc0) == 0xfe80 {
        "link-local address"
    } else if (first & 0xfe00) == 0xfc00 {
        "unique-local address"
    } else if (first & 0xffc0) == 0xfec0 {
        "site-local address"
    } else if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        "documentation address"
    } else if first == 0x0064 && ip.segments()[1] == 0xff9b {
        // NAT64 prefix: judge the embedded IPv4 address.
        let s = ip.segments();
        return v4_reason(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_refused() {
        for bad in [
            "127.0.0.1",
            "127.8.9.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = bad.parse().unwrap();
            assert!(forbidden_reason(ip).is_some(), "{bad} should be refused");
        }
        for good in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
        ] {
            let ip: IpAddr = good.parse().unwrap();
            assert!(forbidden_reason(ip).is_none(), "{good} should be allowed");
        }
    }

    #[test]
    fn allow_lists_open_what_they_name() {
        let p = AddressPolicy {
            allow_ranges: vec!["127.0.0.0/8".parse().unwrap()],
            allow_hosts: vec!["intranet.local".into()],
        };
        assert!(p.refusal("x", "127.0.0.1".parse().unwrap()).is_none());
        assert!(p.refusal("x", "10.0.0.1".parse().unwrap()).is_some());
        assert!(
            p.refusal("intranet.local", "10.0.0.1".parse().unwrap())
                .is_none()
        );
        assert!(
            AddressPolicy::default()
                .refusal("x", "127.0.0.1".parse().unwrap())
                .is_some()
        );
    }
}
