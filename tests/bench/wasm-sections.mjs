// Lists the sections of a WebAssembly module, or checks whether it has a
// custom section of a given name (exit 0 if it has, 1 if not). scripts/bench.sh
// uses it to distinguish a debug build (with a "name" section) from a release build.
//
// Usage: node tests/bench/wasm-sections.mjs [--has NAME | --by-crate | --functions N] FILE.wasm

import { readFileSync } from 'node:fs';

export function wasmSections(bytes) {
  const sections = [];
  let offset = 8; // magic number and version
  const leb128 = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset];
      offset += 1;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const id = bytes[offset];
    offset += 1;
    const size = leb128();
    const start = offset;
    let name = null;
    if (id === 0) {
      const length = leb128();
      name = Buffer.from(bytes.subarray(offset, offset + length)).toString('utf8');
    }
    sections.push({ id, name, size });
    offset = start + size;
  }
  return sections;
}

// Returns [name, body size in bytes] of each function, with the names in the
// "name" section that wasm-ld writes (mangled, like `_ZN4core3fmt5write17h…E`).
// Needs a module that still has that section, such as cargo's output before
// wasm-bindgen and wasm-opt: target/wasm32-unknown-unknown/release/meshtls-web.wasm.
export function functionSizes(bytes) {
  let offset = 0;
  const leb128 = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset];
      offset += 1;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return value;
    }
  };
  const readName = () => {
    const length = leb128();
    const name = Buffer.from(bytes.subarray(offset, offset + length)).toString('utf8');
    offset += length;
    return name;
  };

  let importedFunctions = 0;
  const bodySizes = [];
  const names = new Map();
  offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset];
    offset += 1;
    const size = leb128();
    const end = offset + size;
    if (id === 2) {
      for (let count = leb128(), i = 0; i < count; i += 1) {
        readName();
        readName();
        const kind = bytes[offset];
        offset += 1;
        if (kind === 0) {
          leb128();
          importedFunctions += 1;
        } else if (kind === 1) {
          offset += 1;
          const flags = leb128();
          leb128();
          if (flags & 1) leb128();
        } else if (kind === 2) {
          const flags = leb128();
          leb128();
          if (flags & 1) leb128();
        } else if (kind === 3) {
          offset += 2;
        } else {
          leb128();
          offset += 0;
        }
      }
    } else if (id === 10) {
      for (let count = leb128(), i = 0; i < count; i += 1) {
        const bodySize = leb128();
        bodySizes.push(bodySize);
        offset += bodySize;
      }
    } else if (id === 0 && readName() === 'name') {
      while (offset < end) {
        const subsection = bytes[offset];
        offset += 1;
        const subsectionSize = leb128();
        const subsectionEnd = offset + subsectionSize;
        if (subsection === 1) {
          for (let count = leb128(), i = 0; i < count; i += 1) {
            const index = leb128();
            names.set(index, readName());
          }
        }
        offset = subsectionEnd;
      }
    }
    offset = end;
  }

  return bodySizes.map((size, i) => [names.get(importedFunctions + i) ?? '(unnamed)', size]);
}

export function codeSizeByCrate(bytes) {
  const totals = new Map();
  for (const [name, size] of functionSizes(bytes)) {
    const crate = crateOf(name);
    totals.set(crate, (totals.get(crate) ?? 0) + size);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

// The crate of a function name, mangled the legacy Rust way
// (`_ZN4core3fmt5write17h...E`) or plain. A trait impl such as
// `<alloc::vec::Vec<T> as core::clone::Clone>::clone` counts for the type's crate.
function crateOf(name) {
  let path = name;
  const mangled = /^_ZN(\d+)/.exec(name);
  if (mangled) {
    const start = 3 + mangled[1].length;
    path = name
      .slice(start, start + Number(mangled[1]))
      .replace(/^_(?=\$)/, '')
      .replace(/\$LT\$/g, '<')
      .replace(/\$RF\$/g, '&')
      .replace(/\$BP\$/g, '*')
      .replace(/\$u20\$/g, ' ')
      .replace(/\.\./g, '::');
  }
  return path.replace(/^[<&*\s]*(?:mut |dyn |const )?/, '').split(/::|[<>\s($]/)[0] || '(unnamed)';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args[0] === '--by-crate') {
    const rows = codeSizeByCrate(readFileSync(args[1]));
    const total = rows.reduce((sum, [, size]) => sum + size, 0);
    for (const [crate, size] of rows.slice(0, 25)) {
      console.log(`${(size / 1024).toFixed(1).padStart(8)} KiB  ${((100 * size) / total).toFixed(1).padStart(5)}%  ${crate}`);
    }
    console.log(`${(total / 1024).toFixed(1).padStart(8)} KiB  total code`);
    process.exit(0);
  }
  if (args[0] === '--functions') {
    const count = Number(args[1]);
    const rows = functionSizes(readFileSync(args[2])).sort((a, b) => b[1] - a[1]);
    for (const [name, size] of rows.slice(0, count)) {
      console.log(`${(size / 1024).toFixed(1).padStart(8)} KiB  ${name}`);
    }
    process.exit(0);
  }
  const has = args[0] === '--has' ? args[1] : null;
  const file = has === null ? args[0] : args[2];
  const sections = wasmSections(readFileSync(file));
  if (has !== null) process.exit(sections.some((s) => s.id === 0 && s.name === has) ? 0 : 1);
  for (const s of sections) console.log(`${s.id}\t${s.name ?? ''}\t${s.size}`);
}
