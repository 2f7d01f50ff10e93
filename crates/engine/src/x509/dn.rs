//! Text form of a distinguished name (a certificate's subject or issuer).
//!
//! x509-parser's `Display` for `X509Name` looks attribute types up in its
//! registry of every crypto and X.509 OID, which it fills on first use. That
//! registry's initialiser was 20.8 KiB of the web app's wasm code (cargo's
//! module, before wasm-opt), although a name only needs the attribute types
//! below. This module writes the same text as that `Display` (x509-parser
//! 0.18) for names whose attribute types are in the table, and the same
//! `OID(<dotted>)` for any other type.

use std::fmt::Write;

use x509_parser::asn1_rs::{Any, Tag};
use x509_parser::extensions::GeneralName;
use x509_parser::x509::X509Name;

/// Text of a name whose value could not be decoded, as x509-parser writes it.
const INVALID_NAME: &str = "<X509Error: Invalid X.509 name>";

/// Formats `name` as `CN=a, O=b`, with ` + ` between the attributes of one
/// relative distinguished name.
pub(crate) fn format_name(name: &X509Name) -> String {
    let mut text = String::new();
    for (rdn_index, rdn) in name.iter().enumerate() {
        if rdn_index > 0 {
            text.push_str(", ");
        }
        for (attribute_index, attribute) in rdn.iter().enumerate() {
            if attribute_index > 0 {
                text.push_str(" + ");
            }
            let Some(value) = value_text(attribute.attr_value()) else {
                return INVALID_NAME.to_string();
            };
            let dotted = attribute.attr_type().to_id_string();
            match attribute_type_name(&dotted) {
                Some(short) => text.push_str(short),
                None => {
                    text.push_str("OID(");
                    text.push_str(&dotted);
                    text.push(')');
                }
            }
            text.push('=');
            text.push_str(&value);
        }
    }
    text
}

/// Formats a subject alternative name as x509-parser's `Display` for
/// `GeneralName` does, which formats a directory name with its OID registry.
pub(crate) fn format_general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::OtherName(oid, _) => format!("OtherName({oid}, [...])"),
        GeneralName::RFC822Name(text) => format!("RFC822Name({text})"),
        GeneralName::DNSName(text) => format!("DNSName({text})"),
        GeneralName::X400Address(_) => "X400Address(<unparsed>)".to_string(),
        GeneralName::DirectoryName(name) => format!("DirectoryName({})", format_name(name)),
        GeneralName::EDIPartyName(_) => "EDIPartyName(<unparsed>)".to_string(),
        GeneralName::URI(text) => format!("URI({text})"),
        GeneralName::IPAddress(bytes) => format!("IPAddress({})", colon_hex(bytes)),
        GeneralName::RegisteredID(oid) => format!("RegisteredID({oid})"),
        GeneralName::Invalid(tag, bytes) => {
            format!("Invalid(tag={tag}, data={})", colon_hex(bytes))
        }
    }
}

/// Lower-case hex with a colon between bytes (`0a:ff`).
fn colon_hex(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(bytes.len() * 3);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            hex.push(':');
        }
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// Short name of an attribute type: the abbreviations of RFC 4514 and
/// x509-parser (`CN`, `O`, `Email` and so on) first, then the short names of
/// oid-registry 0.8's `x509` and `pkcs9` sets.
fn attribute_type_name(dotted: &str) -> Option<&'static str> {
    let short = match dotted {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "Email",
        "0.9.2342.19200300.100.1.1" => "uid",
        "2.5.4.0" => "objectClass",
        "2.5.4.1" => "aliasedEntryName",
        "2.5.4.2" => "knowledgeInformation",
        "2.5.4.4" => "surname",
        "2.5.4.5" => "serialNumber",
        "2.5.4.9" => "streetAddress",
        "2.5.4.12" => "title",
        "2.5.4.13" => "description",
        "2.5.4.14" => "searchGuide",
        "2.5.4.15" => "businessCategory",
        "2.5.4.16" => "postalAddress",
        "2.5.4.17" => "postalCode",
        "2.5.4.41" => "name",
        "2.5.4.42" => "givenName",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.45" => "uniqueIdentifier",
        "2.5.4.46" => "dnQualifier",
        "1.3.6.1.4.1.311.60.2.1.1" => "msJurisdictionLocality",
        "1.3.6.1.4.1.311.60.2.1.2" => "msJurisdictionStateOrProvince",
        "1.3.6.1.4.1.311.60.2.1.3" => "msJurisdictionCountry",
        "1.2.840.113549.1.9.2" => "unstructuredName",
        "1.2.840.113549.1.9.3" => "contentType",
        "1.2.840.113549.1.9.4" => "id-messageDigest",
        "1.2.840.113549.1.9.5" => "signing-time",
        "1.2.840.113549.1.9.7" => "challengePassword",
        "1.2.840.113549.1.9.14" => "extensionRequest",
        "1.2.840.113549.1.9.15" => "smimeCapabilities",
        "1.2.840.113549.1.9.20" => "friendlyName",
        _ => return None,
    };
    Some(short)
}

/// Decodes an attribute value: the string types as text, `BMPString` as
/// UTF-16BE, any other type as upper-case hex of its content bytes. Returns
/// `None` for a string that is not valid UTF-8 or UTF-16.
fn value_text(value: &Any) -> Option<String> {
    match value.tag() {
        Tag::NumericString
        | Tag::VisibleString
        | Tag::PrintableString
        | Tag::GeneralString
        | Tag::ObjectDescriptor
        | Tag::GraphicString
        | Tag::T61String
        | Tag::VideotexString
        | Tag::Utf8String
        | Tag::Ia5String => std::str::from_utf8(value.data).ok().map(String::from),
        Tag::BmpString => {
            // An odd last byte counts as a code unit of its own, as in asn1-rs.
            let units: Vec<u16> = value
                .data
                .chunks(2)
                .map(|pair| match pair {
                    [high, low] => u16::from_be_bytes([*high, *low]),
                    [single] => u16::from(*single),
                    _ => 0,
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => {
            let mut hex = String::with_capacity(value.data.len() * 2);
            for byte in value.data {
                // Writing to a String cannot fail.
                let _ = write!(hex, "{byte:02X}");
            }
            Some(hex)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{format_general_name, format_name};
    use x509_parser::prelude::FromDer;
    use x509_parser::x509::X509Name;

    /// DER of one TLV with a short or long-form length.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else if len < 0x100 {
            out.extend([0x81, len as u8]);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend_from_slice(content);
        out
    }

    /// DER of an AttributeTypeAndValue: the OID's content bytes, then the value.
    fn attribute(oid: &[u8], value_tag: u8, value: &[u8]) -> Vec<u8> {
        let mut content = tlv(0x06, oid);
        content.extend(tlv(value_tag, value));
        tlv(0x30, &content)
    }

    /// DER of a Name: each inner list is one RDN (a SET of attributes).
    fn name_der(rdns: &[Vec<Vec<u8>>]) -> Vec<u8> {
        let mut content = Vec::new();
        for rdn in rdns {
            content.extend(tlv(0x31, &rdn.concat()));
        }
        tlv(0x30, &content)
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const SERIAL_NUMBER: &[u8] = &[0x55, 0x04, 0x05];
    const DC: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];
    const EMAIL: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
    const JURISDICTION_COUNTRY: &[u8] =
        &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3c, 0x02, 0x01, 0x03];
    const PRIVATE_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0x8c, 0x6a, 0x01];

    /// Checks `format_name` against x509-parser's own `Display`, which uses the
    /// full OID registry.
    fn assert_same_as_x509_parser(case: &str, der: &[u8]) {
        let (_, name) = X509Name::from_der(der).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(format_name(&name), name.to_string(), "{case}");
    }

    #[test]
    fn names_match_x509_parser_display() {
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty name", name_der(&[])),
            (
                "common name and organization",
                name_der(&[
                    vec![attribute(O, 0x0c, b"Example")],
                    vec![attribute(CN, 0x0c, b"a.example")],
                ]),
            ),
            (
                "multi-valued RDN",
                name_der(&[vec![attribute(CN, 0x13, b"a"), attribute(SERIAL_NUMBER, 0x13, b"42")]]),
            ),
            ("domain component", name_der(&[vec![attribute(DC, 0x16, b"example")]])),
            ("email address", name_der(&[vec![attribute(EMAIL, 0x16, b"ops@example.com")]])),
            (
                "jurisdiction country",
                name_der(&[vec![attribute(JURISDICTION_COUNTRY, 0x13, b"US")]]),
            ),
            ("unregistered attribute type", name_der(&[vec![attribute(PRIVATE_OID, 0x0c, b"x")]])),
            ("BMPString value", name_der(&[vec![attribute(CN, 0x1e, &[0x00, 0x61, 0x00, 0xe9])]])),
            (
                "BMPString of odd length",
                name_der(&[vec![attribute(CN, 0x1e, &[0x00, 0x61, 0x62])]]),
            ),
            ("BMPString lone surrogate", name_der(&[vec![attribute(CN, 0x1e, &[0xd8, 0x00])]])),
            ("octet string value as hex", name_der(&[vec![attribute(CN, 0x04, &[0x01, 0xab])]])),
            ("invalid UTF-8", name_der(&[vec![attribute(CN, 0x0c, &[0xff, 0xfe])]])),
            ("long value", name_der(&[vec![attribute(O, 0x0c, "o".repeat(300).as_bytes())]])),
        ];
        for (case, der) in &cases {
            assert_same_as_x509_parser(case, der);
        }
    }

    #[test]
    fn general_names_match_x509_parser_display() {
        use x509_parser::asn1_rs::{Any, Oid, Tag};
        use x509_parser::extensions::GeneralName;

        let der = name_der(&[
            vec![attribute(JURISDICTION_COUNTRY, 0x13, b"US")],
            vec![attribute(CN, 0x0c, b"a")],
        ]);
        let (_, directory) = X509Name::from_der(&der).expect("directory name");
        let oid = Oid::from(&[1, 3, 6, 1, 4, 1, 99999, 1]).expect("test OID");
        let any = Any::from_tag_and_data(Tag::Sequence, &[0x05, 0x00]);
        let cases = [
            ("other name", GeneralName::OtherName(oid.clone(), &[0x01])),
            ("email", GeneralName::RFC822Name("ops@example.com")),
            ("DNS name", GeneralName::DNSName("a.example")),
            ("X.400 address", GeneralName::X400Address(any.clone())),
            ("directory name", GeneralName::DirectoryName(directory)),
            ("EDI party name", GeneralName::EDIPartyName(any)),
            ("URI", GeneralName::URI("spiffe://mesh/ns/a")),
            ("IP address", GeneralName::IPAddress(&[10, 0, 0, 255])),
            ("empty IP address", GeneralName::IPAddress(&[])),
            ("registered ID", GeneralName::RegisteredID(oid)),
            ("invalid entry", GeneralName::Invalid(Tag(2), &[0xff, 0x00])),
        ];
        for (case, name) in &cases {
            assert_eq!(format_general_name(name), name.to_string(), "{case}");
        }
    }

    #[test]
    fn names_of_fixture_certificates() {
        let mut pending =
            vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
        let mut seen = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixture folder") {
                let path = entry.expect("fixture entry").path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                if path.extension().is_none_or(|ext| ext != "pem") {
                    continue;
                }
                let text = std::fs::read(&path).expect("fixture file");
                for block in x509_parser::pem::Pem::iter_from_buffer(&text).flatten() {
                    let Ok((_, cert)) = x509_parser::parse_x509_certificate(&block.contents) else {
                        continue;
                    };
                    let tbs = &cert.tbs_certificate;
                    assert_eq!(
                        format_name(&tbs.subject),
                        tbs.subject.to_string(),
                        "{}",
                        path.display()
                    );
                    assert_eq!(
                        format_name(&tbs.issuer),
                        tbs.issuer.to_string(),
                        "{}",
                        path.display()
                    );
                    seen += 1;
                }
            }
        }
        assert!(seen >= 20, "read only {seen} fixture certificates");
    }
}
