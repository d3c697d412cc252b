//! The plan of the house matches the house: ARCHITECTURE.md's module table names every
//! module under `src/` and no module that is gone, and every import crosses to a lower
//! layer that the importing module's row allows; the README's command table names
//! every subcommand the binary has, and its `src/cmd/` list every command file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::*;

/// One row of the module table.
#[derive(Debug)]
struct Row {
    layer: u32,
    /// As written: `lib.rs`, `flow/`, `katalog/build.rs`.
    path: String,
    /// What it is, with the files of a folder named.
    text: String,
    /// The rows it may import, by path.
    imports: BTreeSet<String>,
}

impl Row {
    /// Its module path: `flow/` is `flow`, `katalog/build.rs` is `katalog::build`, a
    /// crate's root (`lib.rs`, `main.rs`) is empty.
    fn module(&self) -> Vec<String> {
        let p = self.path.trim_end_matches('/').trim_end_matches(".rs");
        if matches!(p, "lib" | "main") {
            return Vec::new();
        }
        p.split('/').map(String::from).collect()
    }

    /// The top-level module it belongs to; its files use the others of it freely.
    fn top(&self) -> String {
        self.module().first().cloned().unwrap_or_default()
    }

    /// Whether the source file `file` (relative to `src/`) is in this row.
    fn holds(&self, file: &str) -> bool {
        if self.path.ends_with('/') {
            file.starts_with(&self.path)
        } else {
            file == self.path
        }
    }
}

/// The words between backticks in `text`.
fn ticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn module_table() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = text
        .split("\n## Modules")
        .nth(1)
        .expect("a \"## Modules\" section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let mut rows = Vec::new();
    for line in section.lines() {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches('|').trim())
            .collect();
        let [layer, module, what, may] = cells.as_slice() else {
            continue;
        };
        let Ok(layer) = layer.parse() else { continue };
        let path = ticked(module)
            .first()
            .unwrap_or_else(|| panic!("ARCHITECTURE.md: no module in {line}"))
            .to_string();
        rows.push(Row {
            layer,
            path,
            text: what.to_string(),
            imports: ticked(may).into_iter().map(String::from).collect(),
        });
    }
    assert!(rows.len() > 10, "ARCHITECTURE.md: module table not found");
    rows
}

/// Every `.rs` file under `src/`, relative to it, with `/`.
fn source_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root().join("src")).expect("under src");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The row a file is in: the one whose path is the longest that holds it.
fn row_of<'r>(rows: &'r [Row], file: &str) -> Option<&'r Row> {
    rows.iter()
        .filter(|r| r.holds(file))
        .max_by_key(|r| r.path.len())
}

/// The paths a file imports from its crate (`crate::`) or from the library
/// (`sopan::`), with use-groups expanded; comments left out.
fn imports(text: &str) -> Vec<(String, Vec<String>)> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for anchor in ["crate::", "sopan::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(anchor) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + anchor.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            for path in use_tree(rest, Vec::new()) {
                out.push((anchor.trim_end_matches("::").to_string(), path));
            }
        }
    }
    out
}

/// The paths of a use tree starting at `text` (`a::b::{c, d::e}`), each after `prefix`.
fn use_tree(text: &str, prefix: Vec<String>) -> Vec<Vec<String>> {
    let text = text.trim_start();
    if let Some(inner) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut end = inner.len();
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = i;
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0, 0);
        let body = &inner[..end];
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&body[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&body[start..]);
        return parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .flat_map(|p| use_tree(p, prefix.clone()))
            .collect();
    }
    let word: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() || word == "self" {
        return vec![prefix];
    }
    let mut path = prefix;
    path.push(word.clone());
    match text[word.len()..].strip_prefix("::") {
        Some(more) => use_tree(more, path),
        None => vec![path],
    }
}

/// The row an imported path lands in: among the rows of its crate, the one whose
/// module is the longest prefix of the path (a crate's root when none is).
fn target<'r>(crate_rows: &[&'r Row], path: &[String]) -> &'r Row {
    crate_rows
        .iter()
        .copied()
        .filter(|r| path.starts_with(&r.module()))
        .max_by_key(|r| r.module().len())
        .expect("a crate root row")
}

#[test]
fn the_module_table_names_every_module_and_no_other() {
    let rows = module_table();
    let src = root().join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    // Every top-level module has a row, and every row is a module.
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        let is_module = if path.is_dir() {
            files.iter().any(|f| f.starts_with(&format!("{name}/")))
        } else {
            name.ends_with(".rs")
        };
        let row = if path.is_dir() {
            format!("{name}/")
        } else {
            name
        };
        if is_module {
            assert!(
                rows.iter().any(|r| r.path == row),
                "ARCHITECTURE.md: module src/{row} is missing from the module table"
            );
        }
    }
    for r in &rows {
        assert!(
            src.join(&r.path).exists(),
            "ARCHITECTURE.md lists src/{} but it is gone",
            r.path
        );
    }
    // A folder's row names each of its files (a subfolder by its name); each file or
    // folder named there exists.
    for r in rows.iter().filter(|r| r.path.ends_with('/')) {
        for f in files
            .iter()
            .filter(|f| row_of(&rows, f).map(|o| &o.path) == Some(&r.path))
        {
            let rel = &f[r.path.len()..];
            let named = match rel.rsplit_once('/') {
                _ if rel == "mod.rs" => continue,
                Some((dir, "mod.rs")) => format!("{dir}/"),
                _ => rel.to_string(),
            };
            assert!(
                ticked(&r.text).contains(&named.as_str()),
                "ARCHITECTURE.md: the row of src/{} does not name `{named}`",
                r.path
            );
        }
        for named in ticked(&r.text)
            .into_iter()
            .filter(|t| !t.contains(' ') && (t.ends_with(".rs") || t.ends_with('/')))
        {
            assert!(
                src.join(&r.path).join(named).exists(),
                "ARCHITECTURE.md: the row of src/{} names `{named}`, which is gone",
                r.path
            );
        }
    }
}

#[test]
fn every_import_looks_down_to_a_module_its_row_allows() {
    let rows = module_table();
    let by_path: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.path.as_str(), r)).collect();
    for r in &rows {
        for allowed in &r.imports {
            let t = by_path
                .get(allowed.as_str())
                .unwrap_or_else(|| panic!("{}: may import `{allowed}`, not a row", r.path));
            assert!(
                t.layer < r.layer,
                "ARCHITECTURE.md: {} (layer {}) may import {allowed} (layer {}), which is not below it",
                r.path,
                r.layer,
                t.layer
            );
        }
    }
    // The binary is main.rs and the modules it declares; the rest is the library.
    let main = std::fs::read_to_string(root().join("src/main.rs")).expect("main.rs");
    let binary: BTreeSet<String> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(String::from)
        .collect();
    let in_binary = |r: &Row| r.path == "main.rs" || binary.contains(&r.top());
    let bin_rows: Vec<&Row> = rows.iter().filter(|r| in_binary(r)).collect();
    let lib_rows: Vec<&Row> = rows.iter().filter(|r| !in_binary(r)).collect();
    let mut files = Vec::new();
    source_files(&root().join("src"), &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let Some(own) = row_of(&rows, f) else {
            continue;
        };
        let text = std::fs::read_to_string(root().join("src").join(f)).expect("source");
        for (anchor, path) in imports(&text) {
            let crate_rows = if anchor == "crate" && in_binary(own) {
                &bin_rows
            } else {
                &lib_rows
            };
            let t = target(crate_rows, &path);
            if t.path == own.path || (!t.top().is_empty() && t.top() == own.top()) {
                continue;
            }
            if !own.imports.contains(&t.path) {
                problems.push(format!(
                    "src/{f} imports {anchor}::{} ({}), which the row of {} does not allow",
                    path.join("::"),
                    t.path,
                    own.path
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readme_names_every_subcommand_and_command_file() {
    let Run { code, out, .. } = sopan(["--help"]);
    assert_eq!(code, 0);
    let commands: Vec<&str> = out
        .split("Perintah:\n")
        .nth(1)
        .expect("a Perintah section in --help")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.len() >= 10, "{out}");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table = readme
        .split("### Perintah\n")
        .nth(1)
        .expect("a Perintah section in the README")
        .split("\n#")
        .next()
        .unwrap_or_default();
    let named: BTreeSet<&str> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| `sopan "))
        .filter_map(|l| l.split([' ', '`']).next())
        .collect();
    for c in &commands {
        assert!(
            named.contains(c),
            "README.md: `sopan {c}` is missing from the command table"
        );
    }
    // The developer section's `src/cmd/` entry names every command file.
    let entry: String = readme
        .lines()
        .skip_while(|l| !l.starts_with("src/cmd/"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || !l.starts_with(|c: char| !c.is_whitespace()))
        .map(|(_, l)| format!("{l} "))
        .collect();
    assert!(!entry.is_empty(), "README.md: no src/cmd/ entry");
    let words: BTreeSet<&str> = entry
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for file in std::fs::read_dir(root().join("src/cmd")).expect("src/cmd") {
        let path = file.expect("entry").path();
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        if stem != "mod" {
            assert!(
                words.contains(stem.as_str()),
                "README.md: src/cmd/{stem}.rs is missing from the src/cmd/ list"
            );
        }
    }
    // And every command file is a subcommand.
    let cmd_files: BTreeSet<String> = std::fs::read_dir(root().join("src/cmd"))
        .expect("src/cmd")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().to_string();
            (stem != "mod").then_some(stem)
        })
        .collect();
    let commands: BTreeSet<String> = commands.iter().map(|c| c.to_string()).collect();
    assert_eq!(cmd_files, commands, "src/cmd/ files and subcommands");
}

/// The import reader itself: groups are expanded, comments and longer names ignored.
#[test]
fn imports_are_read_through_groups_and_past_comments() {
    let text = "use crate::{model::{Sop, Tanggal}, diag};\n\
                /// [`crate::pipeline::Settings`]\n\
                let x = sopan::katalog::build::Shard::new(); // crate::review\n\
                let y = mycrate::validate::load;\n";
    let got: Vec<String> = imports(text)
        .into_iter()
        .map(|(anchor, path)| format!("{anchor}::{}", path.join("::")))
        .collect();
    assert_eq!(
        got,
        [
            "crate::model::Sop",
            "crate::model::Tanggal",
            "crate::diag",
            "sopan::katalog::build::Shard::new",
        ]
    );
}
