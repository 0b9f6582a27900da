//! Where webhooks may go: only public internet addresses, so an admin cannot aim Ebb's
//! requests at the machine itself, its cloud metadata service or the private network it
//! runs in (SSRF). The operator may allow some networks anyway (`EBB_WEBHOOK_ALLOW_NETS`,
//! e.g. a receiver on the LAN). The address is checked when an endpoint is added and again
//! on every delivery, after name resolution ([`GuardedResolver`]), so a name that later
//! resolves to a private address (DNS rebinding) is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which webhook targets are allowed: public addresses, and the operator's extra networks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    allowed: Vec<IpNet>,
}

impl TargetPolicy {
    /// Public addresses and the addresses in `allowed`.
    pub fn allowing(allowed: Vec<IpNet>) -> Self {
        Self { allowed }
    }

    /// Parses a comma-separated list of networks (`10.0.0.0/8,127.0.0.1/32`; a bare address
    /// is that one address).
    pub fn parse(list: &str) -> Result<Self, String> {
        let allowed = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s} is not a network (e.g. 10.0.0.0/8) or an address"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { allowed })
    }

    /// Why `ip` is refused, or `None` when webhooks may go there.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        let why = non_public(ip)?;
        if self.allowed.iter().any(|net| net.contains(&ip)) {
            None
        } else {
            Some(why)
        }
    }

    /// Checks a webhook URL: `http` or `https`, a host, no credentials, and, when the host
    /// is an address literal, an allowed one. Names are checked when resolved.
    pub fn check_url(&self, url: &str) -> Result<Url, String> {
        let parsed = Url::parse(url).map_err(|_| "url is not a valid URL".to_owned())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("url must start with http:// or https://".into());
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("url must not carry credentials".into());
        }
        match parsed.host() {
            None => Err("url must have a host".into()),
            Some(url::Host::Ipv4(ip)) => self.check_ip(IpAddr::V4(ip)).map(|()| parsed.clone()),
            Some(url::Host::Ipv6(ip)) => self.check_ip(IpAddr::V6(ip)).map(|()| parsed.clone()),
            Some(url::Host::Domain(_)) => Ok(parsed.clone()),
        }
    }

    /// Resolves `url`'s host and checks every address it resolves to (a name that does not
    /// resolve yet passes: deliveries check again).
    pub async fn check_resolved(&self, url: &Url) -> Result<(), String> {
        let Some(url::Host::Domain(host)) = url.host() else {
            return Ok(());
        };
        for ip in resolve(host).await.unwrap_or_default() {
            self.check_ip(ip)
                .map_err(|why| format!("{host} resolves to {why}"))?;
        }
        Ok(())
    }

    fn check_ip(&self, ip: IpAddr) -> Result<(), String> {
        match self.refusal(ip) {
            None => Ok(()),
            Some(why) => Err(format!(
                "{ip}, a {why} address: webhooks only go to public addresses \
                 (an operator can allow networks with EBB_WEBHOOK_ALLOW_NETS)"
            )),
        }
    }
}

/// The addresses `host` resolves to; `localhost` and the names below it are always the
/// loopback address, whatever the system resolver says (RFC 6761).
async fn resolve(host: &str) -> std::io::Result<Vec<IpAddr>> {
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    }
    Ok(tokio::net::lookup_host((host, 0))
        .await?
        .map(|addr| addr.ip())
        .collect())
}

/// Why `ip` is not a public unicast address (loopback, private, link-local, ...), or `None`
/// for a public one. IPv6 forms that embed an IPv4 address are judged by that address.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (0, _, _) => Some("\"this network\""),
        (10, _, _) | (192, 168, _) => Some("private"),
        (172, 16..=31, _) => Some("private"),
        (100, 64..=127, _) => Some("shared (carrier-grade NAT)"),
        (127, _, _) => Some("loopback"),
        (169, 254, _) => Some("link-local"),
        (192, 0, 0) | (192, 88, 99) => Some("reserved"),
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Some("documentation"),
        (198, 18..=19, _) => Some("benchmarking"),
        (224..=239, _, _) => Some("multicast"),
        (240..=255, _, _) => Some("reserved"),
        _ => None,
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return non_public_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0, 0, 0, 0, 0, 0, 0, 0] => Some("unspecified"),
        [0, 0, 0, 0, 0, 0, 0, 1] => Some("loopback"),
        [0, 0, 0, 0, 0, 0, _, _] => Some("reserved"),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => non_public_v4(embedded(hi, lo)),
        [0x64, 0xff9b, 1, ..] => Some("private"),
        [0x100, 0, 0, 0, ..] => Some("discard"),
        [0x2001, 0xdb8, ..] | [0x3fff, 0..=0x0fff, ..] => Some("documentation"),
        [0x2001, 0..=0x01ff, ..] => Some("reserved"),
        [0x2002, hi, lo, ..] => non_public_v4(embedded(hi, lo)),
        [first, ..] if first & 0xfe00 == 0xfc00 => Some("private"),
        [first, ..] if first & 0xffc0 == 0xfe80 => Some("link-local"),
        [first, ..] if first & 0xffc0 == 0xfec0 => Some("site-local"),
        [first, ..] if first & 0xff00 == 0xff00 => Some("multicast"),
        _ => None,
    }
}

/// What the resolver's error says when it refused every address of a name.
pub const REFUSED: &str = "resolves only to refused addresses";

/// The delivery client's resolver: the system's, keeping only the addresses the policy
/// allows, and failing when none is left.
pub struct GuardedResolver {
    policy: TargetPolicy,
}

impl GuardedResolver {
    /// A resolver enforcing `policy`.
    pub fn new(policy: TargetPolicy) -> Arc<Self> {
        Arc::new(Self { policy })
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = resolve(&host).await?;
            let allowed: Vec<SocketAddr> = found
                .iter()
                .filter(|ip| policy.refusal(**ip).is_none())
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect();
            if allowed.is_empty() {
                let why = found
                    .first()
                    .and_then(|ip| policy.refusal(*ip))
                    .unwrap_or("unresolvable");
                return Err(format!("{host} {REFUSED} ({why})").into());
            }
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn refused(ip: &str) -> bool {
        let ip: IpAddr = ip.parse().expect("an address");
        TargetPolicy::default().refusal(ip).is_some()
    }

    #[test]
    fn internal_addresses_are_refused_and_public_ones_allowed() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(refused(ip), "{ip} must be refused");
        }
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.15.0.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(!refused(ip), "{ip} is public");
        }
    }

    #[test]
    fn the_operator_can_allow_networks() {
        let policy = TargetPolicy::parse("127.0.0.1, 10.0.0.0/8").expect("a list");
        assert_eq!(policy.refusal("127.0.0.1".parse().expect("ip")), None);
        assert_eq!(policy.refusal("10.9.9.9".parse().expect("ip")), None);
        assert_eq!(
            policy.refusal("127.0.0.2".parse().expect("ip")),
            Some("loopback")
        );
        assert!(TargetPolicy::parse("not-a-net").is_err());
        assert_eq!(TargetPolicy::parse(""), Ok(TargetPolicy::default()));
    }

    #[test]
    fn urls_are_checked_for_scheme_credentials_and_literal_addresses() {
        let policy = TargetPolicy::default();
        assert!(policy.check_url("https://hooks.example/ebb?x=1").is_ok());
        for bad in [
            "ftp://hooks.example/",
            "https://",
            "https://user@hooks.example/",
            "https://user:pw@hooks.example/",
            "javascript:alert(1)",
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://[::ffff:10.0.0.1]/",
        ] {
            assert!(policy.check_url(bad).is_err(), "{bad} must be refused");
        }
    }

    #[tokio::test]
    async fn names_are_checked_once_resolved() {
        let policy = TargetPolicy::default();
        for name in ["localhost", "localhost.", "api.LOCALHOST"] {
            let url = Url::parse(&format!("http://{name}/hook")).expect("a URL");
            assert!(policy.check_resolved(&url).await.is_err(), "{name}");
            let resolved = GuardedResolver::new(policy.clone())
                .resolve(name.parse().expect("a name"))
                .await;
            assert!(resolved.is_err(), "{name} resolves to nothing allowed");
        }
        let loopback = TargetPolicy::parse("127.0.0.1").expect("a policy");
        let resolved = GuardedResolver::new(loopback)
            .resolve("localhost".parse().expect("a name"))
            .await
            .map(Iterator::collect::<Vec<_>>)
            .map_err(|e| e.to_string());
        assert_eq!(resolved, Ok(vec![SocketAddr::from(([127, 0, 0, 1], 0))]));
    }

    proptest! {
        #[test]
        fn mapped_ipv6_is_judged_as_its_ipv4(a: u8, b: u8, c: u8, d: u8) {
            let v4 = Ipv4Addr::new(a, b, c, d);
            prop_assert_eq!(
                non_public(IpAddr::V6(v4.to_ipv6_mapped())),
                non_public(IpAddr::V4(v4))
            );
        }

        #[test]
        fn private_ranges_are_never_public(b: u8, c: u8, d: u8) {
            for ip in [
                Ipv4Addr::new(10, b, c, d),
                Ipv4Addr::new(127, b, c, d),
                Ipv4Addr::new(192, 168, c, d),
                Ipv4Addr::new(169, 254, c, d),
                Ipv4Addr::new(172, 16 + (b % 16), c, d),
            ] {
                prop_assert!(non_public(IpAddr::V4(ip)).is_some(), "{}", ip);
            }
        }
    }
}
