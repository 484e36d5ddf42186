// Walks through the UI over the mock shell in Debian's Chromium, once with the system in light
// and once in dark (prefers-color-scheme; the theme preference stays "system"), and saves a PNG
// of each screen at 1024×700 into ui/screenshots/ as NN-name-light.png and NN-name-dark.png
// (a visual check; not part of the test run). On every screen it runs axe-core and fails on
// any WCAG 2.1 A/AA violation, as it fails on any page error.
// Usage: node scripts/screenshots.mjs [--prod]   (needs /usr/bin/chromium: apt-get install chromium)
// --prod: a production build of the UI (over the mock), served with the window's CSP from
// tauri.conf.json, so a CSP violation shows up as a page error.
// Functions given to page.evaluate run in the page, where these are defined.
/* global window, document */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve } from "node:path";
import { build, createServer } from "vite";
import { chromium } from "playwright-core";

const prod = process.argv.includes("--prod");

/** The CSP of tauri.conf.json, as a header value. */
function windowCsp() {
  const conf = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../tauri.conf.json"), "utf8"));
  const csp = conf.app.security.csp;
  return typeof csp === "string" ? csp : Object.entries(csp).map(([k, v]) => `${k} ${v}`).join("; ");
}

async function serveProd() {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-mock-dist-"));
  await build({ configFile: join(import.meta.dirname, "mock/vite.config.ts"), logLevel: "warn", build: { outDir: dir, emptyOutDir: true } });
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
  const csp = windowCsp();
  const http = createHttpServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dir, path === "/" ? "index.html" : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-security-policy": csp });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => http.listen(5181, "127.0.0.1", r));
  return { base: "http://127.0.0.1:5181/", close: () => { http.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const here = import.meta.dirname;
const out = resolve(here, process.argv.includes("--prod") ? "../screenshots/prod" : "../screenshots");
// Only this run's pictures (names change when screens are added).
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let base;
let stop;
if (prod) {
  ({ base, close: stop } = await serveProd());
} else {
  const server = await createServer({ configFile: join(here, "mock/vite.config.ts"), logLevel: "warn" });
  await server.listen();
  base = `http://localhost:${server.config.server.port}/`;
  stop = () => server.close();
}
const profile = mkdtempSync(join(tmpdir(), "gatehouse-shots-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1024, height: 700 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const errors = [];
/** axe-core's source, evaluated in the page (as DevTools would: the window's CSP does not apply). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** Screens axe found clean, and what it found elsewhere, per theme. */
const checked = { light: 0, dark: 0 };
const violations = [];
let theme = "light";
let n = 0;

/** axe-core on the page as it is now: every WCAG 2.1 A/AA violation is recorded. */
async function audit(page, name) {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }).then((r) =>
        r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((x) => `${x.target.join(" ")}: ${x.failureSummary}`) })),
      ),
    AXE_TAGS,
  );
  checked[theme]++;
  for (const v of found) violations.push(`${name} (${theme}): ${v.id} [${v.impact}] ${v.help}\n    ${v.nodes.join("\n    ")}`);
}

async function shot(page, name) {
  await page.waitForTimeout(350);
  const file = join(out, `${String(++n).padStart(2, "0")}-${name}-${theme}.png`);
  await page.screenshot({ path: file });
  await audit(page, name);
  console.log(file);
}
const t = (id) => `[data-testid="${id}"]`;

/** Records an error unless the element with this test id has the focus. */
async function expectFocus(page, id) {
  const at = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
  if (at !== id) errors.push(`Expected the focus on ${id}, found it on ${at} (${theme}).`);
}

async function walk(page) {
  await page.goto(`${base}?scenario=fresh`);
  await page.waitForSelector(t("connect-local"));
  await page.click(t("test-remote"));
  await page.waitForSelector(t("test-result"));
  await shot(page, "connect");

  await page.click(t("connect-local"));
  await page.waitForSelector(t("wizard-org-name"));
  await page.fill(t("wizard-org-name"), "Acme Corporation");
  await shot(page, "wizard-organization");
  await page.keyboard.press("Enter");
  await page.waitForSelector(t("wizard-first-name"));
  await page.fill(t("wizard-first-name"), "Julia");
  await page.fill(t("wizard-last-name"), "Lopez");
  await page.fill(t("wizard-username"), "jlopez");
  await page.fill(t("wizard-email"), "julia.lopez@acme.test");
  await page.type(t("wizard-password"), "password", { delay: 20 });
  await shot(page, "wizard-admin-weak");
  await page.fill(t("wizard-password"), "Harbour-Lantern-Quietly-42");
  await page.fill(t("wizard-password-confirm"), "Harbour-Lantern-Quietly-42");
  await page.waitForSelector(`${t("wizard-next")}:not([disabled])`);
  await shot(page, "wizard-admin-strong");
  // The keyboard through the rest of the wizard: Enter on each step, the focus where it goes on.
  await page.focus(t("wizard-password-confirm"));
  await page.keyboard.press("Enter");
  await page.waitForSelector(t("wizard-policy-preset"));
  await expectFocus(page, "wizard-policy-preset");
  await page.selectOption(t("wizard-policy-preset"), "seed000");
  await page.fill(t("policy-preview"), "Summer2024");
  await shot(page, "wizard-policy");
  await page.selectOption(t("wizard-policy-preset"), "recommended");
  await page.focus(t("wizard-policy-preset"));
  await page.keyboard.press("Enter");
  await page.waitForSelector(`${t("wizard-finish")}:not([disabled])`);
  await expectFocus(page, "wizard-finish");
  await shot(page, "wizard-review");
  await page.keyboard.press("Enter");
  await page.waitForSelector(t("token-value"));
  await page.click(t("copy-button"));
  await shot(page, "wizard-done-copied");
  await page.check(t("confirm-saved"));
  await page.click(t("close-dialog"));

  await page.waitForSelector(t("users-table"));
  await shot(page, "users-after-setup");
  await page.click(t("new-user"));
  await page.fill(t("user-username"), "bokafor");
  await page.fill(t("user-email"), "ben.okafor@acme.test");
  await page.type(t("user-password"), "bokafor1", { delay: 20 });
  await shot(page, "new-user-weak");
  await page.fill(t("user-password"), "Violet-Kettle-Sunrise-8");
  await page.waitForSelector(`${t("user-submit")}:not([disabled])`);
  await page.click(t("user-submit"));
  await page.waitForSelector(t("user-row"));
  await shot(page, "users-list");

  // A populated instance.
  await page.goto(`${base}?scenario=signed-in`);
  await page.waitForSelector(t("user-row"));
  await shot(page, "users-populated");
  // The keyboard's way in: "Skip to content" first, then the sidebar.
  await page.keyboard.press("Tab");
  await expectFocus(page, "skip-to-content");
  await shot(page, "focus-skip-link");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expectFocus(page, "nav-accounts");
  await shot(page, "focus-sidebar");
  await page.focus(t("users-search"));
  await page.selectOption(t("users-status"), "suspended");
  await page.waitForTimeout(300);
  await shot(page, "users-filtered");
  await page.selectOption(t("users-status"), "");
  await page.click('[data-username="dokafor"], [data-testid="user-row"]:nth-child(5)');
  await page.waitForSelector(t("failed-sign-ins"));
  await shot(page, "user-detail");
  await page.focus(t("detail-role-viewer"));
  await page.keyboard.press("Tab");
  await expectFocus(page, "detail-role-editor");
  await shot(page, "focus-checkbox");
  await page.click(t("user-reset-password"));
  await page.click(t("reset-choose"));
  await page.fill(t("reset-password"), "divanov2026");
  await shot(page, "user-reset-choose");
  await page.click(t("reset-generate"));
  await page.click(t("confirm-ok"));
  await page.waitForSelector(t("token-value"));
  await page.keyboard.press("Escape");
  await shot(page, "user-temp-password-escape");
  await page.check(t("confirm-saved"));
  await page.keyboard.press("Escape");

  await page.click(t("nav-accounts"));
  await page.waitForSelector(t("new-account"));
  await shot(page, "accounts");
  await page.click(t("new-account"));
  await page.fill(t("account-name"), "Initech");
  await page.fill(t("account-username"), "plumbergh");
  await page.fill(t("account-email"), "peter@initech.test");
  await page.fill(t("account-password"), "Stapler-Basement-Fire-19");
  await page.waitForSelector(`${t("account-submit")}:not([disabled])`);
  await shot(page, "new-account");
  await page.click(t("account-submit"));
  await page.waitForSelector(t("token-value"));
  await page.click(t("copy-button"));
  await shot(page, "account-created-token");
  await page.check(t("confirm-saved"));
  await page.click(t("close-dialog"));
  await shot(page, "account-created-result");

  await page.click(`${t("open-account")} >> nth=0`);
  await page.waitForSelector(t("account-members"));
  await shot(page, "account-detail");
  await page.click(t("back-to-accounts"));

  await page.click(t("nav-audit"));
  await page.waitForSelector(t("audit-row"));
  await shot(page, "audit");
  await page.click(t("audit-verify"));
  await page.waitForSelector(t("audit-verification"));
  await shot(page, "audit-verified");
  await page.click(`${t("audit-row")} >> nth=0`);
  await page.waitForSelector(t("audit-detail"));
  await shot(page, "audit-event-detail");
  await page.click(t("audit-detail-close"));

  await page.click(t("nav-two-step"));
  await page.click(t("two-step-start"));
  await page.waitForSelector(t("two-step-qr"));
  await shot(page, "two-step-enrol");
  await page.click(t("two-step-cancel"));

  await page.click(t("nav-tokens"));
  await page.waitForSelector(t("token-row"));
  await shot(page, "tokens");
  await page.click(t("new-token"));
  await page.fill(t("token-name"), "Backup job");
  await page.click(t("token-expiry-days"));
  await shot(page, "token-new");
  await page.click(t("token-submit"));
  await page.waitForSelector(t("token-value"));
  await page.check(t("confirm-saved"));
  await page.click(t("close-dialog"));
  await page.click(`${t("revoke-token")} >> nth=0`);
  await shot(page, "token-revoke-confirm");
  await page.click(t("confirm-ok"));

  await page.click(t("nav-settings"));
  await page.waitForSelector(t("settings-save"));
  await page.fill(t("settings-preview"), "Tr0ub4dor&3");
  await shot(page, "settings");
  // The theme applies at once; back to the system's afterwards.
  await page.click(t(theme === "light" ? "settings-theme-dark" : "settings-theme-light"));
  await page.waitForFunction((want) => document.documentElement.dataset.theme === want, theme === "light" ? "dark" : "light");
  await page.locator(".content").evaluate((el) => el.scrollTo(0, 10000));
  await shot(page, "settings-theme-chosen");
  await page.click(t("settings-theme-system"));
  await page.waitForFunction((want) => document.documentElement.dataset.theme === want, theme);
  await page.locator(".content").evaluate((el) => el.scrollTo(0, 10000));
  await shot(page, "settings-bottom");

  await page.click(t("sign-out"));
  await page.waitForSelector(t("signin-login"));
  await page.fill(t("signin-login"), "jlopez");
  await page.fill(t("signin-password"), "wrong");
  await page.keyboard.press("Enter");
  await page.waitForSelector(t("form-error"));
  await expectFocus(page, "signin-password");
  await shot(page, "signin-failed");

  await page.goto(`${base}?scenario=must-change`);
  await page.waitForSelector(t("change-new"));
  await page.fill(t("change-new"), "short");
  await shot(page, "forced-password-change");
}

try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  for (const scheme of ["light", "dark"]) {
    theme = scheme;
    n = 0;
    await page.emulateMedia({ colorScheme: scheme });
    await walk(page);
    // The system's colours were followed: the preference is "system".
    const shown = await page.evaluate(() => document.documentElement.dataset.theme);
    if (shown !== scheme) errors.push(`With the system in ${scheme}, the window showed ${shown}.`);
  }
} finally {
  await browser.close();
  await stop();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`axe-core (${AXE_TAGS.join(", ")}): ${checked.light} screens in light, ${checked.dark} in dark, ${violations.length} violation(s).`);
if (violations.length) {
  console.error("Accessibility violations:\n" + violations.join("\n"));
  process.exitCode = 1;
}
if (errors.length) {
  console.error("Errors in the page:\n" + errors.join("\n"));
  process.exitCode = 1;
}
