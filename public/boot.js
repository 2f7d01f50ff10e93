// Starts the wasm app. Loaded as a file, not inline, so the Content Security
// Policy can forbid inline scripts; Trunk.toml fills in the data attributes.
const tag = document.querySelector('script[data-glue][data-wasm]');
const glue = await import(new URL(tag.dataset.glue, document.baseURI).href);
await glue.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
