// Lists the sections of a WebAssembly module, or checks whether it has a
// custom section of a given name (exit 0 if it has, 1 if not). scripts/bench.sh
// uses it to distinguish a debug build (with a "name" section) from a release build.
//
// Usage: node tests/bench/wasm-sections.mjs [--has NAME] FILE.wasm

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

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const has = args[0] === '--has' ? args[1] : null;
  const file = has === null ? args[0] : args[2];
  const sections = wasmSections(readFileSync(file));
  if (has !== null) process.exit(sections.some((s) => s.id === 0 && s.name === has) ? 0 : 1);
  for (const s of sections) console.log(`${s.id}\t${s.name ?? ''}\t${s.size}`);
}
