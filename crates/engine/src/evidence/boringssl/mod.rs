//! BoringSSL packed error codes: library and reason numbers, their names, and TLS alerts.
//!
//! BoringSSL packs an error as `ERR_PACK(lib, reason) = (lib << 24) | (reason & 0xfff)`
//! (`include/openssl/err.h`); it has no function code, so `ERR_func_error_string`
//! always prints `OPENSSL_internal`. Envoy logs the packed value in decimal
//! (`268435581`), `ERR_error_string_n` in lower-case hex (`1000007d`).

mod ssl_reasons;

pub use ssl_reasons::SSL_REASONS;

/// `ERR_LIB_SYS`: the reason is an errno value.
pub const LIB_SYS: u8 = 2;
/// `ERR_LIB_PEM`.
pub const LIB_PEM: u8 = 9;
/// `ERR_LIB_X509`.
pub const LIB_X509: u8 = 11;
/// `ERR_LIB_SSL`.
pub const LIB_SSL: u8 = 16;

/// `SSL_AD_REASON_OFFSET` in BoringSSL's ssl.h: an SSL reason of 1000 + N means the
/// peer sent TLS alert N.
pub const ALERT_REASON_OFFSET: u16 = 1000;

/// One row of the SSL reason table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SslReason {
    pub reason: u16,
    pub name: &'static str,
    /// False for a name that only older BoringSSL revisions used (renamed or removed).
    pub current: bool,
}

/// Returns `ERR_GET_LIB(packed)`.
pub fn library(packed: u32) -> u8 {
    // The shift leaves 8 bits, so the narrowing cannot lose anything.
    ((packed >> 24) & 0xff) as u8
}

/// Returns `ERR_GET_REASON(packed)`.
pub fn reason(packed: u32) -> u16 {
    (packed & 0xfff) as u16
}

/// Returns `ERR_PACK(lib, reason)`.
pub fn pack(library: u8, reason: u16) -> u32 {
    (u32::from(library) << 24) | u32::from(reason & 0xfff)
}

/// Returns the library text BoringSSL prints (`kLibraryNames` in `crypto/err/err.cc`)
/// for the libraries whose errors reach Envoy's TLS logs.
pub fn library_name(library: u8) -> Option<&'static str> {
    let name = match library {
        2 => "system library",
        4 => "RSA routines",
        6 => "public key routines",
        9 => "PEM routines",
        11 => "X.509 certificate routines",
        12 => "ASN.1 encoding routines",
        14 => "common libcrypto routines",
        15 => "elliptic curve routines",
        16 => "SSL routines",
        17 => "BIO routines",
        20 => "X509 V3 routines",
        23 => "OCSP routines",
        _ => return None,
    };
    Some(name)
}

/// Returns the current name of an SSL-library reason (`CERTIFICATE_VERIFY_FAILED` for 125).
pub fn ssl_reason_name(reason: u16) -> Option<&'static str> {
    let index = SSL_REASONS.partition_point(|row| row.reason < reason);
    SSL_REASONS
        .get(index..)?
        .iter()
        .take_while(|row| row.reason == reason)
        .find(|row| row.current)
        .or_else(|| SSL_REASONS.get(index).filter(|row| row.reason == reason))
        .map(|row| row.name)
}

/// Returns the SSL-library reason number of a name, current or historical
/// (`TLSV1_CERTIFICATE_REQUIRED` and `TLSV1_ALERT_CERTIFICATE_REQUIRED` are both 1116).
pub fn ssl_reason_from_name(name: &str) -> Option<u16> {
    SSL_REASONS.iter().find(|row| row.name == name).map(|row| row.reason)
}

/// Returns the alert number when an SSL reason says that the peer sent an alert.
pub fn alert_from_reason(reason: u16) -> Option<u8> {
    let alert = reason.checked_sub(ALERT_REASON_OFFSET)?;
    u8::try_from(alert).ok()
}

/// Returns the alert number of an SSL reason name such as `TLSV1_ALERT_UNKNOWN_CA`.
pub fn alert_from_reason_name(name: &str) -> Option<u8> {
    ssl_reason_from_name(name).and_then(alert_from_reason)
}

/// Returns the name of a TLS alert in lower case (`certificate_expired` for 45), from
/// the `SSLV3_ALERT_*` and `TLSV1_ALERT_*` rows of the reason table.
pub fn alert_name(alert: u8) -> Option<String> {
    let name = ssl_reason_name(ALERT_REASON_OFFSET + u16::from(alert))?;
    let bare = name.strip_prefix("SSLV3_ALERT_").or_else(|| name.strip_prefix("TLSV1_ALERT_"))?;
    Some(bare.to_ascii_lowercase())
}

/// Returns the number of a TLS alert from its name, with `_`, `-` or spaces between
/// words and in any case (`certificate_expired`, `decode error`, `unknown CA`).
pub fn alert_from_name(name: &str) -> Option<u8> {
    let wanted: String = name
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_uppercase() })
        .collect();
    SSL_REASONS
        .iter()
        .filter(|row| row.reason >= ALERT_REASON_OFFSET)
        .find(|row| {
            let bare = row
                .name
                .strip_prefix("SSLV3_ALERT_")
                .or_else(|| row.name.strip_prefix("TLSV1_ALERT_"));
            bare == Some(wanted.as_str())
        })
        .and_then(|row| alert_from_reason(row.reason))
}

/// Returns the text of a `SSL_ERROR_*` value as `SSL_error_description` prints it.
pub fn ssl_error_name(code: u32) -> Option<&'static str> {
    SSL_ERRORS.iter().find(|(number, _)| *number == code).map(|(_, name)| *name)
}

/// Returns the `SSL_ERROR_*` value of a name printed by `SSL_error_description`.
pub fn ssl_error_from_name(name: &str) -> Option<u32> {
    SSL_ERRORS.iter().find(|(_, known)| *known == name).map(|(number, _)| *number)
}

/// `SSL_ERROR_WANT_READ` and `SSL_ERROR_WANT_WRITE`: the handshake needs more I/O.
/// Every non-blocking handshake returns them, so they never mean failure.
pub fn ssl_error_is_benign(code: u32) -> bool {
    code == 2 || code == 3
}

/// `SSL_ERROR_*` values and the names `SSL_error_description` gives them.
const SSL_ERRORS: &[(u32, &str)] = &[
    (0, "NONE"),
    (1, "SSL"),
    (2, "WANT_READ"),
    (3, "WANT_WRITE"),
    (4, "WANT_X509_LOOKUP"),
    (5, "SYSCALL"),
    (6, "ZERO_RETURN"),
    (7, "WANT_CONNECT"),
    (8, "WANT_ACCEPT"),
    (9, "WANT_CHANNEL_ID_LOOKUP"),
    (11, "PENDING_SESSION"),
    (12, "PENDING_CERTIFICATE"),
    (13, "WANT_PRIVATE_KEY_OPERATION"),
    (14, "PENDING_TICKET"),
    (15, "EARLY_DATA_REJECTED"),
    (16, "WANT_CERTIFICATE_VERIFY"),
    (17, "HANDOFF"),
    (18, "HANDBACK"),
    (19, "WANT_RENEGOTIATE"),
    (20, "HANDSHAKE_HINTS_READY"),
];

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str =
        include_str!("../../../tests/fixtures/boringssl/boringssl-ssl-reason-codes.tsv");

    #[test]
    fn table_matches_tsv_row_by_row() {
        let rows: Vec<Vec<&str>> = TSV
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with("reason\t"))
            .map(|line| line.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), SSL_REASONS.len());
        for (row, entry) in rows.iter().zip(SSL_REASONS) {
            let [number, name, packed, hex, status] = row.as_slice() else {
                panic!("TSV row has not 5 columns: {row:?}");
            };
            assert_eq!(number.parse::<u16>().unwrap(), entry.reason, "{name}");
            assert_eq!(*name, entry.name);
            assert_eq!(*status == "current", entry.current, "{name}");
            let packed: u32 = packed.parse().unwrap();
            assert_eq!(packed, pack(LIB_SSL, entry.reason), "{name}");
            assert_eq!(u32::from_str_radix(hex, 16).unwrap(), packed, "{name}");
            assert_eq!(library(packed), LIB_SSL);
            assert_eq!(reason(packed), entry.reason);
        }
    }

    #[test]
    fn reference_vectors_decode() {
        let vectors = [
            (268435581, "CERTIFICATE_VERIFY_FAILED"),
            (268435648, "PEER_DID_NOT_RETURN_A_CERTIFICATE"),
            (268435703, "WRONG_VERSION_NUMBER"),
            (268435612, "HTTP_REQUEST"),
            (268435640, "NO_SHARED_CIPHER"),
            (268435709, "NO_COMMON_SIGNATURE_ALGORITHMS"),
            (268436504, "TLSV1_ALERT_UNKNOWN_CA"),
            (268436501, "SSLV3_ALERT_CERTIFICATE_EXPIRED"),
            (268436498, "SSLV3_ALERT_BAD_CERTIFICATE"),
            (268436502, "SSLV3_ALERT_CERTIFICATE_UNKNOWN"),
            (268436496, "SSLV3_ALERT_HANDSHAKE_FAILURE"),
            (268436526, "TLSV1_ALERT_PROTOCOL_VERSION"),
            (268436572, "TLSV1_ALERT_CERTIFICATE_REQUIRED"),
            (268436536, "TLSV1_ALERT_INTERNAL_ERROR"),
            (268435611, "HTTPS_PROXY_REQUEST"),
            (268435736, "NO_SUPPORTED_VERSIONS_ENABLED"),
            (268435588, "CLIENTHELLO_TLSEXT"),
            (268435646, "PARSE_TLSEXT"),
            (268435563, "BAD_ECC_CERT"),
        ];
        for (packed, name) in vectors {
            assert_eq!(library(packed), LIB_SSL, "{name}");
            assert_eq!(ssl_reason_name(reason(packed)), Some(name), "{packed}");
        }
        assert_eq!(library(150995054), LIB_PEM);
        assert_eq!(reason(150995054), 110);
        assert_eq!(library(33554536), LIB_SYS);
    }

    #[test]
    fn historical_name_maps_to_same_reason() {
        assert_eq!(ssl_reason_from_name("TLSV1_CERTIFICATE_REQUIRED"), Some(1116));
        assert_eq!(alert_from_reason_name("TLSV1_CERTIFICATE_REQUIRED"), Some(116));
        assert_eq!(alert_from_reason_name("TLSV1_ALERT_UNKNOWN_CA"), Some(48));
        assert_eq!(alert_from_reason_name("CERTIFICATE_VERIFY_FAILED"), None);
    }

    #[test]
    fn alert_names_round_trip() {
        assert_eq!(alert_from_name("decode error"), Some(50));
        assert_eq!(alert_from_name("unknown CA"), Some(48));
        assert_eq!(alert_name(45).as_deref(), Some("certificate_expired"));
        assert_eq!(ssl_error_name(2), Some("WANT_READ"));
        assert_eq!(ssl_error_from_name("WANT_WRITE"), Some(3));
    }
}
