//! Query-string encoding exactly as Binance signs it: parameters in the
//! given order, names and values percent-encoded (RFC 3986 unreserved
//! characters kept), joined with `&`.

/// Encode `params` as `a=1&b=2`.
pub fn encode(params: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(k, &mut out);
        out.push('=');
        percent_encode_into(v, &mut out);
    }
    out
}

fn percent_encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_in_order_with_unreserved_kept() {
        let p = vec![
            ("symbol".to_string(), "LTCBTC".to_string()),
            ("price".into(), "0.1".into()),
            ("x".into(), "a b/é".into()),
        ];
        assert_eq!(encode(&p), "symbol=LTCBTC&price=0.1&x=a%20b%2F%C3%A9");
        assert_eq!(encode(&[]), "");
    }
}
