//! Certificate signature checks with the RustCrypto crates, which are pure Rust
//! and so build for wasm32 without a C toolchain.
//!
//! Supported: RSA PKCS#1 v1.5 with SHA-256/384/512, RSASSA-PSS with SHA-256/384/512
//! and MGF1 on the same hash, ECDSA on P-256 and P-384 with SHA-256/384/512, and
//! Ed25519. Anything else is reported as unsupported, never as a bad signature.

use std::fmt;

use ed25519_dalek::Verifier as _;
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use rsa::traits::SignatureScheme;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::oid::Oid;
use x509_parser::public_key::PublicKey;
use x509_parser::signature_algorithm::SignatureAlgorithm;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{
    OID_EC_PUBLIC_KEY, OID_ED25519, OID_P256, OID_P384, OID_RSASSA_PSS, OID_RSA_ENCRYPTION,
};

/// The outcome of checking one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// The signature does not verify with the issuer's key: the certificate was
    /// altered, or another key signed it.
    Invalid,
    /// The algorithm or key is one this checker does not implement, so the
    /// signature is neither accepted nor rejected.
    Unsupported(String),
    /// The certificate or key could not be read.
    Malformed,
}

impl fmt::Display for SignatureCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureCheck::Valid => f.write_str("valid"),
            SignatureCheck::Invalid => f.write_str("invalid"),
            SignatureCheck::Unsupported(what) => write!(f, "not checked ({what})"),
            SignatureCheck::Malformed => f.write_str("not checked (malformed certificate or key)"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn from_oid(oid: &str) -> Option<Hash> {
        match oid {
            "2.16.840.1.101.3.4.2.1" => Some(Hash::Sha256),
            "2.16.840.1.101.3.4.2.2" => Some(Hash::Sha384),
            "2.16.840.1.101.3.4.2.3" => Some(Hash::Sha512),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(data).to_vec(),
            Hash::Sha384 => Sha384::digest(data).to_vec(),
            Hash::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// Returns the OpenSSL name of a signature algorithm, or its OID when unknown.
pub(super) fn algorithm_name(oid: &Oid<'_>) -> String {
    let id = oid.to_id_string();
    let name = match id.as_str() {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        OID_RSASSA_PSS => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        OID_ED25519 => "ED25519",
        _ => return id,
    };
    name.to_string()
}

/// Checks the signature of `cert` with the public key `issuer_key`.
pub(super) fn check(
    cert: &X509Certificate<'_>,
    issuer_key: &SubjectPublicKeyInfo<'_>,
) -> SignatureCheck {
    let message = cert.tbs_certificate.as_ref();
    let signature = cert.signature_value.data.as_ref();
    let algorithm = cert.signature_algorithm.algorithm.to_id_string();
    let key_algorithm = issuer_key.algorithm.algorithm.to_id_string();

    match algorithm.as_str() {
        "1.2.840.113549.1.1.11" => check_rsa_pkcs1(issuer_key, Hash::Sha256, message, signature),
        "1.2.840.113549.1.1.12" => check_rsa_pkcs1(issuer_key, Hash::Sha384, message, signature),
        "1.2.840.113549.1.1.13" => check_rsa_pkcs1(issuer_key, Hash::Sha512, message, signature),
        OID_RSASSA_PSS => check_rsa_pss(cert, issuer_key, message, signature),
        "1.2.840.10045.4.3.2" => check_ecdsa(issuer_key, Hash::Sha256, message, signature),
        "1.2.840.10045.4.3.3" => check_ecdsa(issuer_key, Hash::Sha384, message, signature),
        "1.2.840.10045.4.3.4" => check_ecdsa(issuer_key, Hash::Sha512, message, signature),
        OID_ED25519 if key_algorithm == OID_ED25519 => {
            check_ed25519(issuer_key, message, signature)
        }
        OID_ED25519 => SignatureCheck::Invalid,
        _ => SignatureCheck::Unsupported(format!(
            "signature algorithm {}",
            algorithm_name(&cert.signature_algorithm.algorithm)
        )),
    }
}

fn rsa_key(issuer_key: &SubjectPublicKeyInfo<'_>) -> Result<RsaPublicKey, SignatureCheck> {
    let algorithm = issuer_key.algorithm.algorithm.to_id_string();
    if algorithm != OID_RSA_ENCRYPTION && algorithm != OID_RSASSA_PSS {
        // An RSA signature cannot come from a key of another type.
        return Err(SignatureCheck::Invalid);
    }
    let Ok(PublicKey::RSA(key)) = issuer_key.parsed() else {
        return Err(SignatureCheck::Malformed);
    };
    let modulus = BigUint::from_bytes_be(key.modulus);
    let exponent = BigUint::from_bytes_be(key.exponent);
    // rsa's default limit is 4096 bits; CA keys of 8192 bits exist, so the limit
    // is raised to 16384, which still bounds the work one check can take.
    RsaPublicKey::new_with_max_size(modulus, exponent, 16384)
        .map_err(|error| SignatureCheck::Unsupported(format!("RSA key: {error}")))
}

fn check_rsa_pkcs1(
    issuer_key: &SubjectPublicKeyInfo<'_>,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    let key = match rsa_key(issuer_key) {
        Ok(key) => key,
        Err(check) => return check,
    };
    let scheme = match hash {
        Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        Hash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
    };
    verdict(scheme.verify(&key, &hash.digest(message), signature).is_ok())
}

fn check_rsa_pss(
    cert: &X509Certificate<'_>,
    issuer_key: &SubjectPublicKeyInfo<'_>,
    message: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    let Ok(SignatureAlgorithm::RSASSA_PSS(params)) =
        SignatureAlgorithm::try_from(&cert.signature_algorithm)
    else {
        return SignatureCheck::Malformed;
    };
    let hash_oid = params.hash_algorithm_oid().to_id_string();
    let Some(hash) = Hash::from_oid(&hash_oid) else {
        return SignatureCheck::Unsupported(format!("RSASSA-PSS with hash {hash_oid}"));
    };
    // rsa's PSS uses the message hash for MGF1 too, so another MGF1 hash cannot be checked.
    match params.mask_gen_algorithm() {
        Ok(mgf) if Hash::from_oid(&mgf.hash.to_id_string()) == Some(hash) => {}
        _ => return SignatureCheck::Unsupported("RSASSA-PSS with another MGF1 hash".to_string()),
    }
    let Ok(salt_length) = usize::try_from(params.salt_length()) else {
        return SignatureCheck::Malformed;
    };
    let key = match rsa_key(issuer_key) {
        Ok(key) => key,
        Err(check) => return check,
    };
    let scheme = match hash {
        Hash::Sha256 => Pss::new_with_salt::<Sha256>(salt_length),
        Hash::Sha384 => Pss::new_with_salt::<Sha384>(salt_length),
        Hash::Sha512 => Pss::new_with_salt::<Sha512>(salt_length),
    };
    verdict(scheme.verify(&key, &hash.digest(message), signature).is_ok())
}

fn check_ecdsa(
    issuer_key: &SubjectPublicKeyInfo<'_>,
    hash: Hash,
    message: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    if issuer_key.algorithm.algorithm.to_id_string() != OID_EC_PUBLIC_KEY {
        return SignatureCheck::Invalid;
    }
    let Some(curve) = issuer_key.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()) else {
        return SignatureCheck::Unsupported("ECDSA key without a named curve".to_string());
    };
    let point = issuer_key.subject_public_key.data.as_ref();
    // The verifiers take a prehash longer than the curve order and keep its
    // left-most bits, which is how ECDSA pairs P-256 with SHA-384 or SHA-512.
    let prehash = hash.digest(message);
    match curve.to_id_string().as_str() {
        OID_P256 => {
            let Ok(key) = p256::ecdsa::VerifyingKey::from_sec1_bytes(point) else {
                return SignatureCheck::Malformed;
            };
            let Ok(signature) = p256::ecdsa::Signature::from_der(signature) else {
                return SignatureCheck::Invalid;
            };
            verdict(key.verify_prehash(&prehash, &signature).is_ok())
        }
        OID_P384 => {
            let Ok(key) = p384::ecdsa::VerifyingKey::from_sec1_bytes(point) else {
                return SignatureCheck::Malformed;
            };
            let Ok(signature) = p384::ecdsa::Signature::from_der(signature) else {
                return SignatureCheck::Invalid;
            };
            verdict(key.verify_prehash(&prehash, &signature).is_ok())
        }
        other => SignatureCheck::Unsupported(format!("ECDSA on curve {other}")),
    }
}

fn check_ed25519(
    issuer_key: &SubjectPublicKeyInfo<'_>,
    message: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    let Ok(key_bytes) = <[u8; 32]>::try_from(issuer_key.subject_public_key.data.as_ref()) else {
        return SignatureCheck::Malformed;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key_bytes) else {
        return SignatureCheck::Malformed;
    };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
        return SignatureCheck::Invalid;
    };
    verdict(key.verify(message, &signature).is_ok())
}

fn verdict(valid: bool) -> SignatureCheck {
    if valid {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Invalid
    }
}
