//! Punycode (RFC 3492) encoding of DNS labels, so a host typed in Unicode
//! (`bücher.example`) can be compared with the ASCII form that certificates
//! carry in their DNS SANs (`xn--bcher-kva.example`).
//!
//! NOTE: this is not full IDNA. A label is lowercased and encoded as it is.
//! The UTS 46 mapping (full-width characters, `ß`, ...), NFC normalisation and
//! the IDNA 2008 validity rules are not applied. So a name typed in a form that
//! IDNA would map or normalise can still be reported as a mismatch.

/// Parameters of Punycode, RFC 3492 section 5.
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 0x80;

/// The ACE prefix of an encoded label (RFC 3490 section 5).
const ACE_PREFIX: &str = "xn--";

/// Encodes `input` with Punycode (RFC 3492 section 6.3), keeping the case of
/// its ASCII characters. Returns `None` when a count overflows, which only a
/// label far longer than DNS allows can cause.
pub fn encode(input: &str) -> Option<String> {
    let code_points: Vec<u32> = input.chars().map(u32::from).collect();
    let mut output: String = input.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(output.len()).ok()?;
    let total = u32::try_from(code_points.len()).ok()?;
    if basic > 0 {
        output.push('-');
    }

    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut handled = basic;
    while handled < total {
        // The smallest code point not yet handled.
        let next = code_points.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((next - n).checked_mul(handled + 1)?)?;
        n = next;
        for &c in &code_points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c != n {
                continue;
            }
            let mut q = delta;
            let mut k = BASE;
            loop {
                let threshold = if k <= bias {
                    T_MIN
                } else if k >= bias + T_MAX {
                    T_MAX
                } else {
                    k - bias
                };
                if q < threshold {
                    break;
                }
                output.push(digit(threshold + (q - threshold) % (BASE - threshold)));
                q = (q - threshold) / (BASE - threshold);
                k += BASE;
            }
            output.push(digit(q));
            bias = adapt(delta, handled + 1, handled == basic);
            delta = 0;
            handled += 1;
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

/// Adapts the bias after each encoded code point (RFC 3492 section 6.1).
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// Returns the basic code point of digit `value` (0 to 35): `a` to `z`, then
/// `0` to `9`.
fn digit(value: u32) -> char {
    let byte = if value < 26 { b'a' + value as u8 } else { b'0' + (value - 26) as u8 };
    char::from(byte)
}

/// Returns the ASCII form of a DNS name that has non-ASCII labels: each such
/// label lowercased, Punycode-encoded and prefixed with `xn--`. Returns `None`
/// for an ASCII name, which needs no conversion, and when encoding fails.
pub fn domain_to_ascii(name: &str) -> Option<String> {
    if name.is_ascii() {
        return None;
    }
    let mut labels = Vec::new();
    for label in name.split('.') {
        if label.is_ascii() {
            labels.push(label.to_string());
        } else {
            labels.push(format!("{ACE_PREFIX}{}", encode(&label.to_lowercase())?));
        }
    }
    Some(labels.join("."))
}
