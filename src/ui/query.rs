//! Building links that carry a search: the one place a value is encoded for a URL's query
//! string, so an address with `+` or `&` in it survives the trip.

/// A value for a URL's query string: everything but unreserved characters percent-encoded.
pub fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(super::query_value("a+b@x.nl"), "a%2Bb%40x.nl");
        assert_eq!(super::query_value("é &="), "%C3%A9%20%26%3D");
    }
}
