//! Command-line parsing for `meshtls`, by hand: one subcommand and a few
//! options do not justify an argument-parsing dependency.

use std::fmt;

use meshtls_engine::diagnosis::Symptom;
use meshtls_engine::evidence::pem;

pub const USAGE: &str = "\
Usage: meshtls diagnose [--symptom ID] [--host NAME] [--trust-bundle FILE]... [--now RFC3339]
                        [--format text|json|markdown] FILE...

Diagnoses TLS problems between Envoy proxies (AWS App Mesh and any Envoy mesh)
from what Envoy shows: admin /stats and /certs output, Envoy and access log
lines, PEM certificates, load balancer target groups. The kind of each FILE is
detected from its content; `-` reads standard input.

Options:
  --symptom ID          the symptom to start from: tls-client-policy, originating-tls,
                        tls-between-proxies or tls-elb. As on the page, it starts the
                        walk through the decision tree: the output lists the steps the
                        findings answer, then the first question they leave open or the
                        walk's conclusion (which then becomes the conclusion). It also
                        changes findings: tls-client-policy and tls-elb judge pasted leaf
                        certificates as server certificates, tls-client-policy requires
                        --trust-bundle CAs to be root CAs (as App Mesh requires of a
                        client policy's trust), originating-tls confirms
                        tls-app-originates-tls, tls-elb adds the target-group protocols
                        to tls-not-in-use, tls-between-proxies notes /stats without ssl.
                        counters, and each symptom chooses the generic next steps
  --host NAME           the host name the client requested, matched against certificate SANs
  --trust-bundle FILE   PEM CA certificates to verify the other certificates against
                        (repeatable); without it, self-signed CA certificates among the
                        inputs are taken as the bundle
  --now RFC3339         the current time for expiry checks, such as 2026-12-04T20:00:00Z
                        (default: the system clock)
  --format FORMAT       the output format: text (default), json, or markdown (the
                        report to paste into an issue, with addresses, host names,
                        account IDs and other identifying values redacted)
  -h, --help            print this help
  -V, --version         print the version of meshtls

Exit status: 0 when no finding is an error, 1 when one is, 2 for a usage or read error.
";

/// The output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

/// The parsed `diagnose` command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiagnoseArgs {
    pub symptom: Option<Symptom>,
    pub host: Option<String>,
    pub trust_bundles: Vec<String>,
    /// `--now` as given; parsed by the caller so the error can name the value.
    pub now: Option<String>,
    pub format: Format,
    pub files: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Diagnose(DiagnoseArgs),
}

/// A usage error: what was wrong, shown with the usage text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let mut rest = args.iter();
    let command = match rest.next().map(String::as_str) {
        None => return Err(UsageError("missing command: expected `diagnose`".to_string())),
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("-V" | "--version") => return Ok(Command::Version),
        Some(command) => command,
    };
    if command != "diagnose" {
        return Err(UsageError(format!("unknown command `{command}`: expected `diagnose`")));
    }

    let mut parsed = DiagnoseArgs::default();
    let mut only_files = false;
    while let Some(arg) = rest.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            parsed.files.push(arg.clone());
            continue;
        }
        if arg == "--" {
            only_files = true;
            continue;
        }
        if arg == "-h" || arg == "--help" {
            return Ok(Command::Help);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, UsageError> {
            match &inline {
                Some(value) => Ok(value.clone()),
                None => rest
                    .next()
                    .cloned()
                    .ok_or_else(|| UsageError(format!("option `{name}` needs a value"))),
            }
        };
        match name {
            "--symptom" => {
                let id = value()?;
                let symptom = Symptom::from_id(&id).ok_or_else(|| {
                    let known: Vec<&str> = Symptom::ALL.iter().map(|s| s.as_str()).collect();
                    UsageError(format!(
                        "invalid symptom `{id}`: expected one of {}",
                        known.join(", ")
                    ))
                })?;
                parsed.symptom = Some(symptom);
            }
            "--host" => {
                // The page trims the host field too.
                let host = value()?.trim().to_string();
                check_host(&host)?;
                parsed.host = Some(host);
            }
            "--trust-bundle" => parsed.trust_bundles.push(value()?),
            "--now" => parsed.now = Some(value()?),
            "--format" => {
                parsed.format = match value()?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "markdown" => Format::Markdown,
                    other => {
                        return Err(UsageError(format!(
                            "invalid format `{other}`: expected `text`, `json` or `markdown`"
                        )))
                    }
                };
            }
            _ => return Err(UsageError(format!("unknown option `{name}`"))),
        }
    }

    if parsed.files.is_empty() {
        return Err(UsageError(
            "missing FILE: give at least one file, or `-` for standard input".to_string(),
        ));
    }
    Ok(Command::Diagnose(parsed))
}

/// Rejects a `--host` value that is no host name a client could request.
/// A private key pasted by mistake would otherwise be quoted in the SAN
/// findings and the reports, so its text is never repeated.
fn check_host(host: &str) -> Result<(), UsageError> {
    let problem = if host.is_empty() {
        "needs a non-empty name"
    } else if pem::is_key_like(host) {
        "looks like a private key, which is never printed: give the host name the client requested"
    } else if host.chars().any(char::is_whitespace) {
        "expects one host name, without spaces"
    } else if host.starts_with("*.") {
        "expects the name a client requests, not a wildcard pattern such as `*.example.com`"
    } else {
        return Ok(());
    };
    Err(UsageError(format!("option `--host` {problem}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_values_rejected() {
        let key =
            "-----BEGIN PRIVATE KEY-----MIGHAgEAMBMGByqGSM49AgEGCCqGSM49-----END PRIVATE KEY-----";
        let cases = [
            ("empty", "", "needs a non-empty name"),
            ("private key", key, "looks like a private key"),
            ("space inside", "a.example b.example", "without spaces"),
            ("wildcard", "*.example.com", "not a wildcard pattern"),
        ];
        for (name, host, expected) in cases {
            let error =
                check_host(host).err().map(|UsageError(message)| message).unwrap_or_default();
            assert!(error.contains(expected), "case {name}: {error}");
            assert!(!error.contains("MIGH"), "case {name} repeats the value");
        }
        assert!(check_host("bücher.example").is_ok());
        assert!(check_host("api.example.com.").is_ok());
    }

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    fn diagnose(line: &str) -> DiagnoseArgs {
        match parse(&args(line)) {
            Ok(Command::Diagnose(parsed)) => parsed,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn usage_error(line: &str) -> String {
        match parse(&args(line)) {
            Err(UsageError(message)) => message,
            other => panic!("{line}: expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn every_option() {
        let parsed = diagnose(
            "diagnose --symptom tls-elb --host api.example.com --trust-bundle a.pem \
             --trust-bundle=b.pem --now 2026-12-04T20:00:00Z --format json stats.txt -",
        );
        assert_eq!(parsed.symptom, Some(Symptom::TlsElb));
        assert_eq!(parsed.host.as_deref(), Some("api.example.com"));
        assert_eq!(parsed.trust_bundles, ["a.pem", "b.pem"]);
        assert_eq!(parsed.now.as_deref(), Some("2026-12-04T20:00:00Z"));
        assert_eq!(parsed.format, Format::Json);
        assert_eq!(parsed.files, ["stats.txt", "-"]);
    }

    #[test]
    fn defaults() {
        let parsed = diagnose("diagnose envoy.log");
        assert_eq!(parsed.format, Format::Text);
        assert_eq!(parsed.symptom, None);
        assert_eq!(parsed.files, ["envoy.log"]);
    }

    #[test]
    fn double_dash_ends_options() {
        let parsed = diagnose("diagnose -- --format");
        assert_eq!(parsed.files, ["--format"]);
    }

    #[test]
    fn help() {
        assert_eq!(parse(&args("--help")), Ok(Command::Help));
        assert_eq!(parse(&args("--version")), Ok(Command::Version));
        assert_eq!(parse(&args("-V")), Ok(Command::Version));
        assert_eq!(parse(&args("diagnose -h")), Ok(Command::Help));
    }

    #[test]
    fn usage_errors_name_the_problem() {
        let rows = [
            ("no command", "", "missing command"),
            ("unknown command", "check x", "unknown command `check`"),
            ("no file", "diagnose --format json", "missing FILE"),
            ("bad symptom", "diagnose --symptom tls x", "invalid symptom `tls`"),
            ("bad format", "diagnose --format yaml x", "invalid format `yaml`"),
            ("missing value", "diagnose x --host", "`--host` needs a value"),
            ("unknown option", "diagnose --verbose x", "unknown option `--verbose`"),
        ];
        for (name, line, expected) in rows {
            let message = usage_error(line);
            assert!(message.contains(expected), "{name}: {message}");
        }
    }
}
