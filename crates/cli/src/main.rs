//! `meshtls`: the diagnosis engine in a terminal and in CI.
//!
//! This binary is the only place that reads the clock; the engine takes the
//! time as an argument.

mod args;
mod walk;

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use meshtls_engine::diagnosis::{self, report, Diagnosis, Input, Options};
use meshtls_engine::evidence::timestamp;
use meshtls_engine::redact::{RedactOptions, Redactor};

use args::{Command, DiagnoseArgs, Format, UsageError};
use walk::Walk;

/// Exit status for a usage or read error, as the `meshtls` contract fixes it.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&arguments) {
        Ok(Command::Help) => {
            print!("{}", args::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("meshtls {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Command::Diagnose(parsed)) => match run(&parsed) {
            Ok(has_error) => ExitCode::from(u8::from(has_error)),
            Err(message) => {
                eprintln!("meshtls: {message}");
                ExitCode::from(EXIT_USAGE)
            }
        },
        Err(UsageError(message)) => {
            eprintln!("meshtls: {message}\n\n{}", args::USAGE);
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Runs `diagnose` and returns whether a finding has error severity.
fn run(parsed: &DiagnoseArgs) -> Result<bool, String> {
    let now = match &parsed.now {
        Some(text) => timestamp::parse(text).map(|time| time.seconds).ok_or_else(|| {
            format!("invalid --now `{text}`: expected RFC 3339, such as 2026-12-04T20:00:00Z")
        })?,
        None => system_now()?,
    };

    let mut stdin_used = false;
    let mut names = InputNames::default();
    let mut inputs = Vec::new();
    for path in &parsed.files {
        inputs.push(read_input(path, names.name_for(path), &mut stdin_used)?);
    }
    let mut trust_bundle = Vec::new();
    for path in &parsed.trust_bundles {
        trust_bundle.push(read_input(path, names.name_for(path), &mut stdin_used)?);
    }

    let options = Options { now, host: parsed.host.clone(), symptom: parsed.symptom, trust_bundle };
    let diagnosis = diagnosis::diagnose(&inputs, &options);

    // The page walks the tree for the chosen symptom; so does `--symptom`.
    let walk = parsed.symptom.map(|symptom| walk::walk(symptom, &diagnosis)).transpose()?;

    let output = match parsed.format {
        Format::Text => {
            let mut text = report::to_text(&inputs, &diagnosis);
            if let Some(walk) = &walk {
                text.push_str(&walk.to_text());
            }
            text
        }
        Format::Markdown => redacted_markdown(&inputs, &diagnosis, walk.as_ref()),
        Format::Json => {
            let value = json_output(&inputs, &diagnosis, walk.as_ref());
            let mut text = serde_json::to_string_pretty(&value)
                .map_err(|error| format!("cannot render JSON: {error}"))?;
            text.push('\n');
            text
        }
    };
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write the output: {error}"))?;
    Ok(diagnosis.has_error())
}

/// Renders the Markdown report with the page's redaction: each address, host
/// name, account ID, ARN, e-mail address, trust domain, serial number and URL
/// credential becomes a numbered placeholder, the same value always the same
/// one. This report is the one to paste into an issue.
///
/// When the walk reached a conclusion, the report names it, as the page's
/// report of a concluded walk does.
fn redacted_markdown(inputs: &[Input], diagnosis: &Diagnosis, walk: Option<&Walk>) -> String {
    let plain = report::to_markdown(inputs, diagnosis);
    let redactor = Redactor::new(RedactOptions::default());
    let mut texts: Vec<&str> = inputs.iter().map(|input| input.text.as_str()).collect();
    texts.push(&plain);
    let plan = redactor.plan(&texts);
    let redact = |text: &str| redactor.apply(text, &plan);
    match walk {
        Some(Walk::Concluded { outcome, .. }) => {
            report::to_markdown_with_walk(inputs, diagnosis, outcome, &redact)
        }
        _ => report::to_markdown_redacted(inputs, diagnosis, &redact),
    }
}

/// Builds the JSON output: [`report::to_json`], and with `--symptom` a `walk`
/// member. A concluded walk sets `conclusion` to the walk's and keeps the top
/// finding's code in `evidence_conclusion`, as the page's JSON report does.
fn json_output(inputs: &[Input], diagnosis: &Diagnosis, walk: Option<&Walk>) -> serde_json::Value {
    let unchanged = |text: &str| text.to_string();
    let mut value = match walk {
        Some(Walk::Concluded { outcome, .. }) => {
            report::to_json_with_walk(inputs, diagnosis, outcome, &unchanged)
        }
        _ => report::to_json(inputs, diagnosis),
    };
    if let (Some(walk), Some(map)) = (walk, value.as_object_mut()) {
        map.insert("walk".to_string(), walk.to_json());
    }
    value
}

#[expect(
    clippy::disallowed_methods,
    reason = "the command-line tool is where the current time enters the engine"
)]
fn system_now() -> Result<i64, String> {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|error| format!("the system clock is before 1970: {error}; pass --now"))?;
    i64::try_from(elapsed.as_secs())
        .map_err(|_| "the system clock is out of range; pass --now".to_string())
}

/// The names inputs get in findings and reports: the file name without its
/// folders, so no report carries a local path, made unique as the page does
/// (`envoy.log`, `envoy.log (2)`). Standard input is `-`.
#[derive(Debug, Default)]
struct InputNames {
    taken: Vec<String>,
}

impl InputNames {
    fn name_for(&mut self, path: &str) -> String {
        let base = if path == "-" {
            "-".to_string()
        } else {
            Path::new(path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.to_string())
        };
        let name = if self.taken.contains(&base) {
            (2..)
                .map(|n| format!("{base} ({n})"))
                .find(|candidate| !self.taken.contains(candidate))
                .unwrap_or_default()
        } else {
            base
        };
        self.taken.push(name.clone());
        name
    }
}

/// Reads the file at `path` (or standard input for `-`), decodes it as UTF-8
/// with invalid bytes replaced, and parses it as the input `name`.
fn read_input(path: &str, name: String, stdin_used: &mut bool) -> Result<Input, String> {
    let bytes = if path == "-" {
        if *stdin_used {
            return Err("`-` is given twice: standard input can be read only once".to_string());
        }
        *stdin_used = true;
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        bytes
    } else {
        std::fs::read(path).map_err(|error| format!("cannot read `{path}`: {error}"))?
    };

    // Invalid UTF-8 is decoded lossily; the engine warns on the line it affects.
    Ok(Input::from_bytes(&name, &bytes))
}
