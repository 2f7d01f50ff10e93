// Embed mode of the meshtls wizard, for a docs site or portal that shows it in
// an iframe. docs/embedding.md describes the URL parameters and messages.
//
//   index.html?embed=1&parent=https%3A%2F%2Fdocs.example.com[&theme=dark]
//
// - Sets data-embed on <html>; embed.css then drops the page's own header
//   text and footer, which the host page replaces.
// - Posts {type: "meshtls:height", height: <CSS px>} to the parent window
//   whenever the content height changes, only to the origin given in
//   `parent`, never to "*". When the browser exposes the embedding page's
//   origin (location.ancestorOrigins) and it differs, nothing is posted.
// - Accepts messages only from that origin and from the parent window:
//   {type: "meshtls:height-request"} posts the height again, and
//   {type: "meshtls:theme", theme: "light"|"dark"|"auto", vars: {"--accent": "#0b57b8"}}
//   forces a color scheme and sets the page's CSS custom properties.
// - `theme=light|dark|auto` and `var-<name>=<value>` (e.g. var-accent=%23b00020)
//   in the URL do the same before the first paint, but only inside a frame,
//   with or without a valid `parent`. At the top level of a tab they are
//   ignored: there a crafted link, not a host page, would restyle the page
//   (var-text equal to var-bg hides the text).
//
// Loaded in <head> as a classic script, so the attribute is set before the
// body is drawn; a file, not inline, for the page's Content Security Policy.

(() => {
  'use strict';

  const params = new URLSearchParams(location.search);
  const embed = params.get('embed');
  if (embed === null || embed === '0' || embed === 'false') return;

  const root = document.documentElement;
  root.setAttribute('data-embed', '');

  const HEIGHT_MESSAGE = 'meshtls:height';
  const framed = window.parent !== window;
  // Custom properties the last theme set inline, which the next one removes.
  let applied = [];
  const parentOrigin = originOf(params.get('parent'));
  const canPost = framed && parentOrigin !== null && parentMatches(parentOrigin);
  let lastHeight = -1;
  let scheduled = false;

  if (framed && params.get('parent') !== null && parentOrigin === null) {
    console.warn('meshtls embed: `parent` must be an http(s) origin such as https://docs.example.com; the height is not posted');
  } else if (framed && parentOrigin === null) {
    console.warn('meshtls embed: no `parent` origin in the URL; the height is not posted');
  }

  // Theme from the URL, as soon as the page's stylesheet is there. The page
  // that frames the wizard chooses its URL and can cover it anyway, so
  // `parent` is not needed. A link opened at the top level must not restyle
  // the page.
  const urlVars = {};
  for (const [key, value] of params) {
    if (key.startsWith('var-')) urlVars[`--${key.slice(4)}`] = value;
  }
  const urlTheme = params.get('theme');
  if (urlTheme !== null || Object.keys(urlVars).length > 0) {
    if (framed) {
      whenStyled(() => applyTheme(urlTheme, urlVars));
    } else {
      console.warn('meshtls embed: `theme` and `var-<name>` apply only inside a frame; ignored at the top level');
    }
  }

  if (!framed || parentOrigin === null) return;

  window.addEventListener('message', (event) => {
    // Only the embedding page, from the origin it declared, may steer us.
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    const data = event.data;
    if (data === null || typeof data !== 'object') return;
    if (data.type === 'meshtls:height-request' && canPost) {
      lastHeight = -1;
      postHeight();
    } else if (data.type === 'meshtls:theme') {
      whenStyled(() => applyTheme(data.theme ?? null, data.vars ?? {}));
    }
  });

  if (!canPost) {
    console.warn(`meshtls embed: the embedding page is not ${parentOrigin}; the height is not posted`);
    return;
  }

  function postHeight() {
    scheduled = false;
    const height = contentHeight();
    // Before the app has mounted the body is empty: 0 would only make the
    // host collapse the iframe.
    if (height === 0 || height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({ type: HEIGHT_MESSAGE, height }, parentOrigin);
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(postHeight);
  }

  // The content's height, not the viewport's: <html> has no fixed height, so
  // its box is as tall as what it holds, and the iframe can grow and shrink.
  function contentHeight() {
    return Math.ceil(root.getBoundingClientRect().height);
  }

  function observe() {
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(schedule);
      observer.observe(root);
      if (document.body) observer.observe(document.body);
    } else {
      // Old browsers: a mutation or a resize may change the height.
      new MutationObserver(schedule).observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
      window.addEventListener('resize', schedule);
    }
    schedule();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', observe, { once: true });
  } else {
    observe();
  }
  window.addEventListener('load', schedule);

  // ---------------------------------------------------------------------

  // The origin of an http(s) URL given as only an origin (a trailing slash is
  // allowed), or null. "*", "null", paths and other schemes are rejected.
  function originOf(value) {
    if (value === null || value === '') return null;
    let url;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (value.replace(/\/$/, '').toLowerCase() !== url.origin.toLowerCase()) return null;
    return url.origin;
  }

  // Chromium and Safari expose a frame's parent origin. There a wrong
  // `parent` is caught here, before postMessage. Elsewhere (or
  // when the iframe hides it with referrerpolicy="no-referrer", which gives
  // "null") postMessage's own target-origin check still stops the message.
  function parentMatches(origin) {
    const ancestors = location.ancestorOrigins;
    if (!ancestors || ancestors.length === 0) return true;
    const first = ancestors[0];
    return first === 'null' || first === origin;
  }

  function whenStyled(fn) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', fn, { once: true });
    } else {
      fn();
    }
  }

  // Theme: the names a host may set are the custom properties the page's
  // stylesheets declare on :root, so the list follows style/ by itself.
  function applyTheme(theme, vars) {
    const declared = rootDeclarations();
    for (const name of applied) root.style.removeProperty(name);
    applied = [];

    const set = (name, value) => {
      root.style.setProperty(name, value);
      applied.push(name);
    };

    if (theme === 'light' || theme === 'dark') {
      // Copy the chosen scheme's :root values inline, where they win over the
      // prefers-color-scheme rule of the other scheme.
      for (const [name, value] of declared[theme]) set(name, value);
      set('color-scheme', theme);
      root.setAttribute('data-theme', theme);
    } else if (theme === 'auto') {
      root.removeAttribute('data-theme');
    } else if (theme !== null) {
      console.warn(`meshtls embed: theme ${JSON.stringify(theme)} is not light, dark or auto; ignored`);
    }

    if (vars && typeof vars === 'object') {
      const known = new Set([...declared.light.keys(), ...declared.dark.keys()]);
      for (const [name, value] of Object.entries(vars)) {
        if (!known.has(name)) {
          console.warn(`meshtls embed: ${name} is not a theme variable of this page; ignored`);
        } else if (!safeValue(value)) {
          console.warn(`meshtls embed: the value of ${name} is not accepted; ignored`);
        } else {
          set(name, value);
        }
      }
    }
  }

  // Colors, lengths and font lists; nothing that loads a resource or closes
  // the declaration.
  function safeValue(value) {
    return (
      typeof value === 'string' &&
      value.length <= 200 &&
      /^[\w\s#%.,()'"+\-/]*$/.test(value) &&
      !/url\s*\(|image\s*\(|image-set/i.test(value)
    );
  }

  // Custom properties declared on :root, split into the light set (outside
  // any media rule) and the dark set (light values, overridden by those
  // inside @media (prefers-color-scheme: dark)).
  function rootDeclarations() {
    const light = new Map();
    const darkOnly = new Map();
    for (const sheet of document.styleSheets) {
      let rules;
      try {
        rules = sheet.cssRules;
      } catch {
        continue;
      }
      collect(rules, light, darkOnly, false);
    }
    const dark = new Map([...light, ...darkOnly]);
    return { light, dark };
  }

  function collect(rules, light, darkOnly, inDark) {
    for (const rule of rules) {
      if (typeof CSSMediaRule === 'function' && rule instanceof CSSMediaRule) {
        const media = rule.media.mediaText;
        if (/prefers-color-scheme:\s*dark/.test(media)) collect(rule.cssRules, light, darkOnly, true);
        else if (!/prefers-color-scheme/.test(media)) collect(rule.cssRules, light, darkOnly, inDark);
      } else if (rule.selectorText === ':root') {
        for (const name of rule.style) {
          if (!name.startsWith('--')) continue;
          (inDark ? darkOnly : light).set(name, rule.style.getPropertyValue(name).trim());
        }
      }
    }
  }
})();
