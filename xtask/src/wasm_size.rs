//! What the browser module's `.wasm` is made of: its code bytes grouped by
//! crate (and by module for appswitch's own crates), its data, and the
//! export shims wasm-bindgen generates. `cargo xtask bench` prints it
//! after the package size, so that the budget's biggest items are in
//! every report.
//!
//! It reads a copy of the package's module built the same way (the same
//! wasm-bindgen and `wasm-opt -Oz`) that keeps its `name` section; the
//! function names rustc writes there are already demangled.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::setup::Tools;
use crate::util::{Failure, Res, kb, run, target_dir};

/// How many groups are listed.
const SHOWN: usize = 16;

/// Builds a named copy of the bundler module and prints its breakdown.
pub fn print_breakdown(tools: &Tools) -> Res {
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/appswitch_wasm.wasm");
    let out = target_dir().join("wasm-size");
    run(
        "size: wasm-bindgen (names kept)",
        Command::new(tools.wasm_bindgen())
            .arg(&wasm)
            .args(["--target", "bundler", "--out-name", "named", "--out-dir"])
            .arg(&out),
    )?;
    let named = out.join("named_bg.wasm");
    run(
        "size: wasm-opt -Oz -g",
        Command::new(tools.wasm_opt())
            .args(["-Oz", "-g"])
            .args(crate::wasm::WASM_FEATURES)
            .arg(&named)
            .arg("-o")
            .arg(&named),
    )?;
    let module = Module::read(&named)?;
    let code: u64 = module.bodies.iter().sum();
    let mut groups: BTreeMap<String, u64> = BTreeMap::new();
    for (index, size) in module.bodies.iter().enumerate() {
        let name = module
            .names
            .get(&(module.imported + index as u32))
            .map_or("(unnamed)", String::as_str);
        *groups.entry(group_of(name)).or_default() += size;
    }
    let mut groups: Vec<(String, u64)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!(
        "what the .wasm is made of (before gzip): code {}, data {}",
        kb(code),
        kb(module.data)
    );
    for (group, size) in groups.iter().take(SHOWN) {
        println!(
            "  {:>10}  {:>4.1} %  {group}",
            kb(*size),
            *size as f64 * 100.0 / code.max(1) as f64
        );
    }
    let rest: u64 = groups.iter().skip(SHOWN).map(|(_, s)| s).sum();
    println!(
        "  {:>10}  {:>4.1} %  ({} more groups)",
        kb(rest),
        rest as f64 * 100.0 / code.max(1) as f64,
        groups.len().saturating_sub(SHOWN)
    );
    Ok(())
}

/// The group a function is counted in: `crate` (`crate::module` for
/// appswitch's crates, `crate::floor::module` for the core's floors), the
/// export shims, or drop glue.
fn group_of(name: &str) -> String {
    if name.ends_with(" shim") {
        return "wasm-bindgen export shims (with what is inlined into them)".to_string();
    }
    if name.starts_with("core::ptr::drop_in_place") {
        return "drop glue (core::ptr::drop_in_place)".to_string();
    }
    let mut path = name.trim_start_matches('<').trim_start_matches('&');
    // `<Type as Trait>::f`: the type's crate, unless the type is a generic
    // parameter (`<T as ToString>`), then the trait's.
    if let Some((ty, tr)) = path.split_once(" as ") {
        let generic = ty.len() == 1 && ty.chars().all(|c| c.is_ascii_uppercase());
        path = if generic { tr } else { ty };
    }
    let mut segments = path
        .split("::")
        .map(|s| s.split(['[', '<', ' ']).next().unwrap_or(s));
    let krate = segments.next().unwrap_or(path);
    match krate {
        "appswitch_core" | "appswitch_wasm" => match segments.next() {
            Some(floor @ ("foundation" | "providers" | "shopper" | "merchant"))
                if krate == "appswitch_core" =>
            {
                match segments.next() {
                    Some(m) if m.starts_with(|c: char| c.is_ascii_lowercase()) => {
                        format!("{krate}::{floor}::{m}")
                    }
                    _ => format!("{krate}::{floor}"),
                }
            }
            Some(module) if !module.is_empty() => format!("{krate}::{module}"),
            _ => krate.to_string(),
        },
        "" => name.to_string(),
        _ => krate.to_string(),
    }
}

/// The parts of a wasm module this report needs.
struct Module {
    /// Imported functions (they come first in the function index space).
    imported: u32,
    /// The size of each function body, in order.
    bodies: Vec<u64>,
    /// The bytes of the data segments.
    data: u64,
    /// Function names from the `name` section.
    names: BTreeMap<u32, String>,
}

impl Module {
    fn read(path: &Path) -> Res<Module> {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure(format!("size: reading {}: {e}", path.display())))?;
        Module::parse(&bytes)
            .ok_or_else(|| Failure(format!("size: {} is not a wasm module", path.display())))
    }

    fn parse(bytes: &[u8]) -> Option<Module> {
        let mut module = Module {
            imported: 0,
            bodies: Vec::new(),
            data: 0,
            names: BTreeMap::new(),
        };
        let mut r = Reader {
            bytes: bytes.get(8..)?,
        };
        while !r.bytes.is_empty() {
            let id = r.byte()?;
            let len = usize::try_from(r.leb()?).ok()?;
            let mut section = Reader {
                bytes: r.take(len)?,
            };
            match id {
                2 => module.imported = section.function_imports()?,
                10 => {
                    for _ in 0..section.leb()? {
                        let size = section.leb()?;
                        section.take(usize::try_from(size).ok()?)?;
                        module.bodies.push(size);
                    }
                }
                11 => module.data = len as u64,
                0 if section.name()? == "name" => module.names = section.function_names()?,
                _ => {}
            }
        }
        Some(module)
    }
}

/// A cursor over wasm bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(*self.take(1)?.first()?)
    }

    /// An unsigned LEB128 number.
    fn leb(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn name(&mut self) -> Option<String> {
        let len = usize::try_from(self.leb()?).ok()?;
        Some(String::from_utf8_lossy(self.take(len)?).into_owned())
    }

    /// The number of function imports in an import section.
    fn function_imports(&mut self) -> Option<u32> {
        let mut functions = 0;
        for _ in 0..self.leb()? {
            self.name()?;
            self.name()?;
            match self.byte()? {
                0 => {
                    self.leb()?;
                    functions += 1;
                }
                // A table: element type, limits.
                1 => {
                    self.byte()?;
                    self.limits()?;
                }
                2 => self.limits()?,
                // A global: value type, mutability.
                3 => {
                    self.byte()?;
                    self.byte()?;
                }
                // A tag: attribute, type index.
                4 => {
                    self.byte()?;
                    self.leb()?;
                }
                _ => return None,
            }
        }
        Some(functions)
    }

    fn limits(&mut self) -> Option<()> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 == 1 {
            self.leb()?;
        }
        Some(())
    }

    /// The function-name map of a `name` section (subsection 1).
    fn function_names(&mut self) -> Option<BTreeMap<u32, String>> {
        let mut names = BTreeMap::new();
        while !self.bytes.is_empty() {
            let id = self.byte()?;
            let len = usize::try_from(self.leb()?).ok()?;
            let mut sub = Reader {
                bytes: self.take(len)?,
            };
            if id == 1 {
                for _ in 0..sub.leb()? {
                    let index = u32::try_from(sub.leb()?).ok()?;
                    names.insert(index, sub.name()?);
                }
            }
        }
        Some(names)
    }
}

#[cfg(test)]
mod tests {
    use super::group_of;

    #[test]
    fn groups_by_crate_and_by_module_for_our_crates() {
        assert_eq!(
            group_of("appswitch_core::shopper::url::host::check_host::h195b533bb6fac9d3"),
            "appswitch_core::shopper::url"
        );
        assert_eq!(
            group_of(
                "<appswitch_core::shopper::url::error::UrlError as core::fmt::Display>::fmt::hcdf0"
            ),
            "appswitch_core::shopper::url"
        );
        assert_eq!(
            group_of("appswitch_core::status::PaymentStatus::merge::h1"),
            "appswitch_core::status"
        );
        assert_eq!(
            group_of("appswitch_core::shopper::Thing::h1"),
            "appswitch_core::shopper"
        );
        assert_eq!(
            group_of("core[c5930c85a12de822]::str::count::do_count_chars"),
            "core"
        );
        assert_eq!(
            group_of("alloc::collections::btree::map::BTreeMap<K,V,A>::insert::h1"),
            "alloc"
        );
        assert_eq!(
            group_of("<T as alloc::string::ToString>::to_string::h04f4"),
            "alloc"
        );
        assert_eq!(group_of("<&T as core::fmt::Display>::fmt::h5641"), "core");
        assert_eq!(
            group_of("track externref shim multivalue shim"),
            "wasm-bindgen export shims (with what is inlined into them)"
        );
    }
}
