// Computes the WCAG 2.x contrast ratios of the palette in src/styles.css, in both themes, and
// fails when one is below its minimum: 4.5:1 for text, 3:1 for focus rings and control
// boundaries (WCAG 2.1 1.4.3, 1.4.11; 2.2 2.4.13). The table it prints is the one quoted in
// styles.css. Usage: node scripts/contrast.mjs
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const css = readFileSync(resolve(import.meta.dirname, "../src/styles.css"), "utf8");

/** The custom properties declared in the first block that starts with `selector {`. */
function block(selector) {
  const at = css.indexOf(`${selector} {`);
  if (at === -1) throw new Error(`no ${selector} block in styles.css`);
  const body = css.slice(at, css.indexOf("}", at));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

function parse(color) {
  let m = /^#([0-9a-f]{6})$/i.exec(color);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16)).concat(1);
  m = /^rgba?\(([^)]+)\)$/i.exec(color);
  if (m) {
    const [r, g, b, a = "1"] = m[1].split(",").map((x) => x.trim());
    return [Number(r), Number(g), Number(b), Number(a)];
  }
  throw new Error(`cannot read the colour ${color}`);
}

/** `fg` over the opaque `bg` (alpha compositing). */
function over(fg, bg) {
  const a = fg[3];
  return [0, 1, 2].map((i) => Math.round(fg[i] * a + bg[i] * (1 - a))).concat(1);
}

function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = block(":root");
const dark = { ...light, ...block(':root[data-theme="dark"]') };

/** A colour by name: "panel", or "side-active/side-bg" for the first over the second. */
function color(palette, name) {
  const [top, under] = name.split("/");
  const c = parse(palette[top] ?? top);
  return under ? over(c, color(palette, under)) : c;
}

// [foreground, background, minimum, what]
const TEXT = 4.5;
const UI = 3;
const pairs = [
  ["text", "bg", TEXT, "body text on the page"],
  ["text", "panel", TEXT, "text on cards, dialogs, inputs"],
  ["text", "panel-2", TEXT, "secrets, table heads"],
  ["muted", "bg", TEXT, "muted text on the page"],
  ["muted", "panel", TEXT, "hints, muted text on cards"],
  ["muted", "panel-2", TEXT, "table heads"],
  ["accent", "panel", TEXT, "links on cards"],
  ["accent", "bg", TEXT, "links on the page"],
  ["on-accent", "accent", TEXT, "primary buttons"],
  ["on-accent", "accent-hover", TEXT, "primary buttons, hovered"],
  ["accent-text", "accent-soft", TEXT, "the wizard's current step"],
  ["text", "line", TEXT, "the wizard's step numbers"],
  ["on-accent", "ok", TEXT, "the wizard's past step numbers"],
  ["ok", "panel", TEXT, "passed rules, Saved"],
  ["ok", "ok-soft", TEXT, "success notices, badges"],
  ["text", "ok-tint", TEXT, "the created-account card"],
  ["muted", "ok-tint", TEXT, "muted text on the created-account card"],
  ["text", "hover", TEXT, "a hovered table row"],
  ["muted", "hover", TEXT, "muted text in a hovered table row"],
  ["bad", "panel", TEXT, "field errors"],
  ["bad", "bad-soft", TEXT, "error banners, badges"],
  ["on-bad", "bad", TEXT, "danger buttons"],
  ["warn", "panel", TEXT, "password warnings"],
  ["warn", "warn-soft", TEXT, "secret warnings, badges"],
  ["side-text", "side-bg", TEXT, "sidebar text"],
  ["side-muted", "side-bg", TEXT, "sidebar muted text"],
  ["side-text", "side-active/side-bg", TEXT, "the current screen in the sidebar"],
  ["side-text", "side-hover/side-bg", TEXT, "a hovered sidebar item"],
  ["focus-ring", "panel", UI, "focus ring on cards and dialogs"],
  ["focus-ring", "bg", UI, "focus ring on the page"],
  ["focus-ring", "panel-2", UI, "focus ring on a secret or preview box"],
  ["focus-ring", "ok-tint", UI, "focus ring on the created-account card"],
  ["focus-ring", "hover", UI, "focus ring in a hovered table row"],
  ["side-focus", "side-bg", UI, "focus ring on the sidebar and on Skip to content (over the sidebar)"],
  ["side-focus", "side-active/side-bg", UI, "focus ring beside the current screen"],
  ["control-border", "panel", UI, "input, checkbox and radio boundaries"],
  ["control-border", "bg", UI, "input boundaries on the page"],
  ["accent", "panel", UI, "a checked checkbox or radio"],
  ["on-accent", "accent", UI, "the check mark or dot"],
];

let failed = 0;
console.log(" light   dark  min  pair");
for (const [fg, bg, min, what] of pairs) {
  const [l, d] = [light, dark].map((palette) => ratio(color(palette, fg), color(palette, bg)));
  const low = [l, d].filter((r) => r < min).length;
  failed += low;
  const cell = (r) => `${r.toFixed(2).padStart(5)}${r < min ? "!" : " "}`;
  console.log(`${cell(l)} ${cell(d)} ${String(min).padEnd(3)}  ${fg} on ${bg}: ${what}`);
}
if (failed) {
  console.error(`${failed} ratio(s) below their minimum (marked !).`);
  process.exitCode = 1;
}
