//! Which address a request comes from when Ebb runs behind reverse proxies: the forwarding
//! header is read only when the TCP peer is a trusted proxy, and then the right-most
//! address that is not a trusted proxy is the client (the one hop nobody can forge). The
//! visitor's country is read the same way: only from a trusted proxy's configured header.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Which header the trusted proxies write the client chain into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
    Forwarded,
}

impl ForwardedHeader {
    /// The header's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::XForwardedFor => "x-forwarded-for",
            Self::Forwarded => "forwarded",
        }
    }
}

/// One trusted proxy entry: an address or a network (`10.0.0.0/8`, `::1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyNet(pub IpNet);

impl FromStr for ProxyNet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        IpNet::from_str(s)
            .or_else(|_| IpAddr::from_str(s).map(IpNet::from))
            .map(|net| Self(net.trunc()))
            .map_err(|_| format!("`{s}` is neither an IP address nor a CIDR network"))
    }
}

impl std::fmt::Display for ProxyNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A comma-separated list of [`ProxyNet`]s (`127.0.0.1, 10.0.0.0/8`); empty means none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyList(pub Vec<ProxyNet>);

impl FromStr for ProxyList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(ProxyNet::from_str)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl std::fmt::Display for ProxyList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let nets: Vec<String> = self.0.iter().map(ProxyNet::to_string).collect();
        f.write_str(&nets.join(","))
    }
}

/// The reverse proxies whose forwarding header is believed (none by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    /// The proxies' addresses and networks.
    pub nets: Vec<ProxyNet>,
    /// The header they write.
    pub header: ForwardedHeader,
    /// The header naming the client's country (e.g. `CF-IPCountry`), if the operator's
    /// proxies write one; read only from a trusted proxy.
    pub country_header: Option<axum::http::HeaderName>,
}

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.0.contains(&ip))
    }

    /// The client's country (ISO 3166-1 alpha-2) named by the configured country header,
    /// if the request came straight from a trusted proxy (`peer`) and the value is a code.
    pub fn country(&self, peer: IpAddr, headers: &HeaderMap) -> Option<String> {
        let name = self.country_header.as_ref()?;
        if !self.trusts(peer.to_canonical()) {
            return None;
        }
        let value = headers.get(name)?.to_str().ok()?;
        ebb_core::visitor_context::country_code(value)
    }

    /// The client address of a request that reached Ebb from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let values = headers
            .get_all(self.header.name())
            .iter()
            .map(|v| v.to_str().ok());
        let hops: Vec<Option<IpAddr>> = match self.header {
            ForwardedHeader::XForwardedFor => values.flat_map(x_forwarded_for).collect(),
            ForwardedHeader::Forwarded => values.flat_map(forwarded).collect(),
        };
        client_ip(peer, &hops, |ip| self.trusts(ip))
    }
}

/// The client among `hops` (the forwarded chain, left to right; `None` for an entry that
/// is not an address) seen from `peer`: the peer itself unless it is trusted, else the
/// right-most hop that is not trusted. Walking stops at an unreadable entry, which then
/// answers the last trusted hop; a chain of trusted hops only answers its left-most one.
pub fn client_ip(
    peer: IpAddr,
    hops: &[Option<IpAddr>],
    trusted: impl Fn(IpAddr) -> bool,
) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted(client) {
        return client;
    }
    for hop in hops.iter().rev() {
        let Some(ip) = hop else {
            return client;
        };
        client = ip.to_canonical();
        if !trusted(client) {
            return client;
        }
    }
    client
}

/// The entries of one `X-Forwarded-For` value (an unreadable value is one bad entry).
fn x_forwarded_for(value: Option<&str>) -> Vec<Option<IpAddr>> {
    match value {
        Some(value) => value.split(',').map(node).collect(),
        None => vec![None],
    }
}

/// The `for=` entries of one `Forwarded` value; an element without `for=` is unreadable.
fn forwarded(value: Option<&str>) -> Vec<Option<IpAddr>> {
    let Some(value) = value else {
        return vec![None];
    };
    value
        .split(',')
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, node_name)| node(node_name))
        })
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711`, optionally in double quotes. Anything else (`unknown`, `_hidden`)
/// is `None`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = IpAddr::from_str(text) {
        return Some(ip);
    }
    if let Ok(addr) = SocketAddr::from_str(text) {
        return Some(addr.ip());
    }
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    IpAddr::from_str(inner).ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn proxies(nets: &[&str], header: ForwardedHeader) -> TrustedProxies {
        TrustedProxies {
            nets: nets.iter().map(|n| n.parse().expect("net")).collect(),
            header,
            country_header: Some(axum::http::HeaderName::from_static("cf-ipcountry")),
        }
    }

    fn headers(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(name, HeaderValue::from_str(v).expect("value"));
        }
        map
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let claims = headers("x-forwarded-for", &["198.51.100.7"]);
        assert_eq!(
            trusted.client_ip(ip("203.0.113.9"), &claims),
            ip("203.0.113.9")
        );
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client_ip(ip("127.0.0.1"), &claims), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1"], ForwardedHeader::XForwardedFor);
        // The visitor forged the first entry; nginx appended the address it saw.
        let chain = headers(
            "x-forwarded-for",
            &["198.51.100.7, 203.0.113.9", "10.1.2.3"],
        );
        assert_eq!(
            trusted.client_ip(ip("127.0.0.1"), &chain),
            ip("203.0.113.9")
        );
        let ports = headers("x-forwarded-for", &["[2001:db8::5]:443, 10.0.0.2:8080"]);
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), &ports), ip("2001:db8::5"));
        let none = HeaderMap::new();
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), &none), ip("10.0.0.1"));
    }

    #[test]
    fn an_unreadable_entry_stops_the_walk_at_the_last_trusted_hop() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let chain = headers("x-forwarded-for", &["203.0.113.9, garbage, 10.0.0.3"]);
        assert_eq!(trusted.client_ip(ip("10.0.0.1"), &chain), ip("10.0.0.3"));
    }

    #[test]
    fn the_forwarded_header_is_read_only_when_configured() {
        let rfc = proxies(&["127.0.0.1"], ForwardedHeader::Forwarded);
        let mut both = headers(
            "forwarded",
            &[r#"for=198.51.100.7;proto=https, For="[2001:db8:cafe::17]:4711""#],
        );
        both.append("x-forwarded-for", HeaderValue::from_static("203.0.113.1"));
        assert_eq!(
            rfc.client_ip(ip("127.0.0.1"), &both),
            ip("2001:db8:cafe::17")
        );
        let xff = proxies(&["127.0.0.1"], ForwardedHeader::XForwardedFor);
        assert_eq!(xff.client_ip(ip("127.0.0.1"), &both), ip("203.0.113.1"));
        let hidden = headers("forwarded", &["for=_hidden;by=10.0.0.1"]);
        assert_eq!(rfc.client_ip(ip("127.0.0.1"), &hidden), ip("127.0.0.1"));
    }

    #[test]
    fn the_country_header_is_believed_only_from_a_trusted_proxy() {
        let trusted = proxies(&["10.0.0.0/8"], ForwardedHeader::XForwardedFor);
        let sent = headers("cf-ipcountry", &["de"]);
        assert_eq!(trusted.country(ip("10.0.0.1"), &sent), Some("DE".into()));
        assert_eq!(trusted.country(ip("203.0.113.9"), &sent), None, "forged");
        let unknown = headers("cf-ipcountry", &["XX"]);
        assert_eq!(trusted.country(ip("10.0.0.1"), &unknown), None);
        let unset = TrustedProxies {
            country_header: None,
            ..trusted
        };
        assert_eq!(unset.country(ip("10.0.0.1"), &sent), None, "not configured");
    }

    #[test]
    fn mapped_ipv6_peers_match_ipv4_networks() {
        let trusted = proxies(&["127.0.0.1"], ForwardedHeader::XForwardedFor);
        let chain = headers("x-forwarded-for", &["203.0.113.9"]);
        assert_eq!(
            trusted.client_ip(ip("::ffff:127.0.0.1"), &chain),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn proxy_entries_are_addresses_or_networks() {
        assert_eq!(
            "127.0.0.1".parse::<ProxyNet>().map(|n| n.to_string()),
            Ok("127.0.0.1/32".into())
        );
        assert_eq!(
            " 10.1.2.3/8".parse::<ProxyNet>().map(|n| n.to_string()),
            Ok("10.0.0.0/8".into())
        );
        assert!("::1".parse::<ProxyNet>().is_ok());
        assert!("localhost".parse::<ProxyNet>().is_err());
        assert!("10.0.0.0/33".parse::<ProxyNet>().is_err());
        let list: ProxyList = "127.0.0.1, 10.0.0.0/8,".parse().expect("list");
        assert_eq!(list.to_string(), "127.0.0.1/32,10.0.0.0/8");
        assert_eq!(
            "".parse::<ProxyList>(),
            Ok(ProxyList::default()),
            "empty: none"
        );
        assert!("127.0.0.1, nope".parse::<ProxyList>().is_err());
    }

    fn addr() -> impl Strategy<Value = IpAddr> {
        (0u8..4, any::<u8>()).prop_map(|(net, host)| IpAddr::from([10, 0, net, host]))
    }

    proptest! {
        /// Whatever chain arrives, the answer is the peer or one of its hops, an untrusted
        /// peer is always itself, and the answer is untrusted unless every hop up to it is.
        #[test]
        fn the_client_is_the_peer_or_a_hop(
            peer in addr(),
            hops in proptest::collection::vec(proptest::option::weighted(0.9, addr()), 0..6),
        ) {
            let trusted = |ip: IpAddr| matches!(ip, IpAddr::V4(v4) if v4.octets()[2] < 2);
            let client = client_ip(peer, &hops, trusted);
            prop_assert!(client == peer || hops.contains(&Some(client)));
            if !trusted(peer) {
                prop_assert_eq!(client, peer);
            }
            if !trusted(client) && client != peer {
                // Every hop to its right is trusted: the client is right-most untrusted.
                let at = hops.iter().rposition(|h| *h == Some(client)).expect("a hop");
                prop_assert!(hops[at + 1..].iter().all(|h| h.is_some_and(trusted)));
            }
        }

        /// A client behind trusted proxies cannot change its answer by prepending entries.
        #[test]
        fn forged_entries_on_the_left_change_nothing(
            forged in proptest::collection::vec(proptest::option::of(addr()), 0..4),
            client in addr(),
        ) {
            let trusted = |ip: IpAddr| matches!(ip, IpAddr::V4(v4) if v4.octets()[2] == 0);
            prop_assume!(!trusted(client));
            let proxy = IpAddr::from([10, 0, 0, 1]);
            let mut hops = forged;
            hops.push(Some(client));
            prop_assert_eq!(client_ip(proxy, &hops, trusted), client);
        }
    }
}
