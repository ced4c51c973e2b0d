//! Components hold no words of their own: every text a page shows comes from the language
//! catalogues in `src/i18n`. This test reads the component sources and fails on a string literal
//! that looks like prose (a capitalised word, or two words with a space), outside the few places
//! where such literals are not text: SVG path data, CSS classes, attribute names.

use std::{fs, path::Path};

fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('"') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

fn looks_like_prose(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let capitalised = s.chars().next().is_some_and(char::is_uppercase)
        && s.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    // CSS class lists are words too, but each has a dash, a colon or is a known utility.
    let plain_words = words
        .iter()
        .filter(|w| w.chars().all(|c| c.is_alphabetic() || ",.?!'’".contains(c)))
        .count();
    capitalised || (words.len() >= 2 && plain_words == words.len() && !is_css(&words))
}

fn is_css(words: &[&str]) -> bool {
    const UTILITIES: &[&str] = &[
        "block",
        "flex",
        "hidden",
        "grid",
        "inline",
        "relative",
        "absolute",
        "sticky",
        "underline",
        "uppercase",
        "antialiased",
        "truncate",
        "italic",
        "border",
        "rounded",
        "shadow",
        "ring",
    ];
    words.iter().all(|w| UTILITIES.contains(w))
}

#[test]
fn components_take_their_words_from_the_catalogues() {
    let mut offenders = Vec::new();
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    for entry in fs::read_dir(&ui).unwrap() {
        let path = entry.unwrap().path();
        let source = fs::read_to_string(&path).unwrap();
        let mut in_test_module = false;
        for (n, line) in source.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("#[cfg(test)]") {
                in_test_module = true;
            }
            if in_test_module || code.starts_with("//") || code.contains(" d=\"") {
                continue;
            }
            for lit in literals(line) {
                if looks_like_prose(&lit) {
                    offenders.push(format!("{}:{}: {lit:?}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "put these texts in src/i18n (both languages):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_detector_catches_prose_and_spares_markup() {
    assert!(looks_like_prose("Sign in"));
    assert!(looks_like_prose("Loading…"));
    assert!(looks_like_prose("sign in now"));
    assert!(!looks_like_prose("mt-4 text-sm text-slate-600"));
    assert!(!looks_like_prose("block"));
    assert!(!looks_like_prose("flex hidden"));
    assert!(!looks_like_prose("/dashboard/settings"));
    assert!(!looks_like_prose("exact-mcp"));
}
