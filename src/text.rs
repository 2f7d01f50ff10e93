//! Inline code in tree and finding text: the engine writes names, counters
//! and log strings between backticks, as Markdown does, and the page shows
//! them as `<code>`.

use leptos::prelude::*;

/// A run of text, plain or code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span<'a> {
    Plain(&'a str),
    Code(&'a str),
}

/// Splits `text` at backticks. Text with an odd number of backticks stays
/// plain, since a lone backtick is then part of what was quoted.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    if text.matches('`').count() % 2 == 1 {
        return vec![Span::Plain(text)];
    }
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(index, part)| if index % 2 == 1 { Span::Code(part) } else { Span::Plain(part) })
        .collect()
}

/// Returns `text` without the backticks of its code spans, for screen
/// reader announcements.
pub fn plain(text: &str) -> String {
    spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Plain(part) | Span::Code(part) => part,
        })
        .collect()
}

/// Renders `text` with its backtick spans as inline code.
pub fn rich(text: &str) -> impl IntoView {
    spans(text)
        .into_iter()
        .map(|span| match span {
            Span::Plain(plain) => plain.to_string().into_any(),
            Span::Code(code) => view! { <code>{code.to_string()}</code> }.into_any(),
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cases() {
        let cases: &[(&str, &str, Vec<Span>)] = &[
            ("plain", "no code here", vec![Span::Plain("no code here")]),
            (
                "code in the middle",
                "counter `ssl.handshake` grows",
                vec![Span::Plain("counter "), Span::Code("ssl.handshake"), Span::Plain(" grows")],
            ),
            ("code only", "`a`", vec![Span::Code("a")]),
            ("odd backticks stay plain", "a ` b", vec![Span::Plain("a ` b")]),
            ("empty", "", vec![]),
        ];
        for (name, text, expected) in cases {
            assert_eq!(&spans(text), expected, "case {name}");
        }
    }
}
