// A small in-memory imitation of the Gatehouse Tauri shell, for looking at the UI in a
// browser (screenshots). It follows the command contract loosely and keeps no rule of its
// own: presets, settings, password reports and the core's problem documents are replies
// recorded from the real Rust core (./recorded.ts says how to re-record them).
import type { AccountView } from "../../src/bindings/AccountView";
import type { ApiTokenView } from "../../src/bindings/ApiTokenView";
import type { PasswordContext } from "../../src/bindings/PasswordContext";
import type { PasswordPolicy } from "../../src/bindings/PasswordPolicy";
import type { Problem } from "../../src/bindings/Problem";
import type { Settings } from "../../src/bindings/Settings";
import type { UserView } from "../../src/bindings/UserView";
import type { AppState } from "../../src/bindings/AppState";
import type { RemoteProfileView } from "../../src/bindings/RemoteProfileView";
import type { AuditEvent } from "../../src/bindings/AuditEvent";
import { DEFAULT_SETTINGS, passwordRefusal, PRESETS, recordedProblem, recordedReport, SUGGESTED_BLOCKED_DOMAINS } from "./recorded";

const MOCK_FINGERPRINT = "SHA256:" + "3F:A1:09:7C:5E:22:D4:8B:61:0E:F7:93:4A:C5:18:B2:7D:E0:36:99:52:AF:14:C8:6B:03:DE:71:8A:25:F4:90";

type Args = Record<string, unknown>;

/** A reply of the shell itself (not of the core), for what only the mock makes up. */
function problem(status: number, code: Problem["code"], title: string, detail: string): Problem {
  return { type: `urn:gatehouse:problem:${code}`, title, status, detail, code, errors: [] };
}

let seq = 0;
const id = (p: string) => `${p}_${(++seq).toString(36).padStart(6, "0")}`;
const now = () => new Date().toISOString();

function makeUser(over: Partial<UserView>): UserView {
  return {
    id: id("usr"), account_id: "acc_1", username: "user", email: "user@acme.test", first_name: null, last_name: null,
    business_role: null, roles: ["viewer"], status: "active", is_active: true, email_confirmed_at: null, preferences: {},
    must_change_password: false, failed_sign_ins: 0, locked_until: null, created_at: now(), created_by: null, updated_at: now(),
    version: 1, last_sign_in_at: null, second_factor: false, ...over,
  };
}

/** A made-up chain hash: 64 hex digits. */
const HASH = (n: number) => n.toString(16).padStart(4, "0").repeat(16);

/** A stand-in for the core's QR code (an SVG of the same shape: black squares on white). */
const QR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21" shape-rendering="crispEdges"><rect width="21" height="21" fill="#fff"/>${Array.from({ length: 21 * 21 }, (_, i) => ((i * i * 31 + i * 7 + Math.floor(i / 21) * 13) % 5 < 2 ? `<rect x="${i % 21}" y="${Math.floor(i / 21)}" width="1" height="1"/>` : "")).join("")}</svg>`;

export function installMockShell(scenario: string): void {
  const settings: Settings = structuredClone(DEFAULT_SETTINGS);
  const state: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
  const users: UserView[] = [];
  const accounts: AccountView[] = [];
  const tokens: ApiTokenView[] = [];
  // The trail as the core would show it, newest first: what the walk did so far.
  const audit = (): AuditEvent[] =>
    users
      .map((u, i) => ({
        id: `evt_${i}`, seq: i + 1, at: u.created_at, actor_id: users[0]?.id ?? null, actor_name: i === 0 ? null : (users[0]?.username ?? null),
        action: i === 0 ? "instance.set_up" : "user.created", target_type: "user", target_id: u.id, target_name: u.username,
        detail: i === 0 ? { organization: "Acme Corporation" } : { roles: u.roles }, prev_hash: HASH(i), hash: HASH(i + 1),
      }))
      .reverse();
  const profiles: RemoteProfileView[] = [
    { name: "Staging", host: "db.staging.internal", port: 5432, database: "gatehouse", username: "gatehouse", tls: "verify-full", save_password: true, has_saved_password: true },
  ];

  const org: AccountView = { id: "acc_1", name: "Acme Corporation", plan: "standard", metadata: {}, created_at: "2026-03-02T09:14:00Z", created_by: null, status: "active" };
  if (scenario !== "fresh") {
    state.connection = { kind: "local", label: "Local database", detail: "~/.local/share/gatehouse/gatehouse.db" };
    state.instance = { initialized: true, instance_id: "ins_1", organization: org.name, created_at: org.created_at };
    accounts.push(org, { ...org, id: "acc_2", name: "Globex", plan: "enterprise", created_at: "2026-04-11T15:02:00Z" });
    const admin = makeUser({ username: "jlopez", email: "jlopez@acme.test", first_name: "Julia", last_name: "Lopez", roles: ["admin"], email_confirmed_at: now() });
    users.push(admin);
    const names = ["Ava Chen", "Ben Okafor", "Carla Ruiz", "Dmitri Ivanov", "Elif Kaya", "Farah Said", "Gus Meyer", "Hana Sato", "Ivan Petrov", "Jonas Berg", "Kira Novak", "Liam Walsh", "Mona Haddad", "Nils Lund", "Olga Ivanova", "Pedro Alves", "Quinn Park", "Rosa Diaz", "Sam Lee", "Tariq Aziz", "Uma Rao", "Vera Holm", "Wen Li", "Xavi Puig", "Yara Nasser", "Zoe Adams", "Abel Moss"];
    names.forEach((n, i) => {
      const [f, l] = n.split(" ") as [string, string];
      users.push(makeUser({
        username: `${f[0]}${l}`.toLowerCase(), email: `${f}.${l}@acme.test`.toLowerCase(), first_name: f, last_name: l,
        roles: i % 7 === 0 ? ["editor"] : ["viewer"], status: i % 9 === 4 ? "suspended" : i % 11 === 6 ? "pending" : "active",
        failed_sign_ins: i === 3 ? 5 : 0, locked_until: i === 3 ? new Date(Date.now() + 10 * 60_000).toISOString() : null,
        created_at: new Date(Date.UTC(2026, 3, 1 + i, 10)).toISOString(),
      }));
    });
    tokens.push(
      { id: "tok_1", name: "CI deploys", prefix: "gth_Ab3x", user_id: admin.id, owner_username: admin.username, account_id: "acc_1", created_at: "2026-04-02T10:00:00Z", created_by: admin.id, created_by_username: admin.username, expires_at: "2026-07-01T10:00:00Z", last_used_at: "2026-11-20T08:31:00Z", revoked_at: null, state: "active" },
      { id: "tok_2", name: "Old laptop", prefix: "gth_Zq91", user_id: admin.id, owner_username: admin.username, account_id: "acc_1", created_at: "2026-01-05T10:00:00Z", created_by: admin.id, created_by_username: admin.username, expires_at: null, last_used_at: null, revoked_at: "2026-02-01T10:00:00Z", state: "revoked" },
    );
    if (scenario === "signed-in" || scenario === "must-change") {
      state.session = { user: { ...admin, must_change_password: scenario === "must-change" }, must_change_password: scenario === "must-change", must_enroll_second_factor: false, expires_at: new Date(Date.now() + 3600_000).toISOString() };
    }
  }

  const secret = (p: string) => `${p}_${Array.from({ length: 40 }, () => "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"[Math.floor(Math.random() * 57)]).join("")}`;
  const needSession = () => {
    if (!state.session) throw recordedProblem("not_signed_in");
  };
  /** The core's refusal of a password under the policy in force, if it refuses it. */
  const refusal = (pw: string, ctx: PasswordContext) => passwordRefusal(recordedReport(pw, ctx, settings.password_policy));

  const handlers: Record<string, (a: Args) => unknown> = {
    app_state: () => structuredClone(state),
    connect_local: () => {
      state.connection = { kind: "local", label: "Local database", detail: "~/.local/share/gatehouse/gatehouse.db" };
      state.instance = scenario === "fresh" ? { initialized: false, instance_id: null, organization: null, created_at: null } : state.instance;
      return structuredClone(state);
    },
    saved_profiles: () => profiles,
    // The shell's own state for Gatehouse servers (no core reply involved).
    saved_servers: () => [{ name: "Team server", url: "https://gatehouse.acme.internal:8443", fingerprint: MOCK_FINGERPRINT }],
    contact_server: () => ({ fingerprint: MOCK_FINGERPRINT, trusted_by_system: false, initialized: true, organization: org.name }),
    connect_server: () => { throw problem(502, "certificate_changed", "Certificate changed", "The certificate of gatehouse.acme.internal is not the one this profile trusts."); },
    test_remote: (a) => {
      const p = a.profile as { host: string };
      return p.host === "localhost" ? { ok: true, message: "Connected: PostgreSQL 17.2, database is empty." } : { ok: false, message: `Could not reach ${p.host}:5432 (connection refused).` };
    },
    connect_remote: () => { throw problem(503, "internal", "Cannot connect", "The database server refused the connection."); },
    disconnect: () => { state.connection = null; state.session = null; return structuredClone(state); },
    policy_presets: () => structuredClone(PRESETS),
    suggested_blocked_domains: () => [...SUGGESTED_BLOCKED_DOMAINS],
    evaluate_password: (a) => {
      const c = a.candidate as { password: string; context: PasswordContext | null; policy: PasswordPolicy | null };
      return recordedReport(c.password, c.context, c.policy ?? settings.password_policy);
    },
    setup: (a) => {
      const r = a.request as { organization: string; first_name: string; last_name: string | null; username: string | null; email: string; password: string; password_policy: PasswordPolicy | null };
      if (r.password_policy) settings.password_policy = r.password_policy;
      const refused = refusal(r.password, { username: r.username, email: r.email, first_name: r.first_name, last_name: r.last_name });
      if (refused) throw refused;
      const admin = makeUser({ username: r.username ?? r.email.split("@")[0]!, email: r.email, first_name: r.first_name, last_name: r.last_name, roles: ["admin"] });
      users.push(admin);
      accounts.push({ ...org, name: r.organization, created_at: now() });
      state.instance = { initialized: true, instance_id: "ins_1", organization: r.organization, created_at: now() };
      state.session = { user: admin, must_change_password: false, must_enroll_second_factor: false, expires_at: new Date(Date.now() + 3600_000).toISOString() };
      return { data: { accessToken: `eyJhbGciOiJFZERTQSJ9.${secret("eyJzdWIi")}.sig`, tokenType: "Bearer", expiresAt: state.session.expires_at }, admin, account: accounts[accounts.length - 1], instance_id: "ins_1" };
    },
    sign_in: (a) => {
      const r = a.request as { login: string; password: string };
      const u = users.find((x) => x.username === r.login || x.email === r.login);
      if (!u || r.password === "wrong") throw recordedProblem("sign_in_failed");
      state.session = { user: u, must_change_password: u.must_change_password, must_enroll_second_factor: false, expires_at: new Date(Date.now() + 3600_000).toISOString() };
      return state.session;
    },
    sign_out: () => { state.session = null; return structuredClone(state); },
    change_password: () => { needSession(); state.session!.must_change_password = false; return state.session; },
    list_users: (a) => {
      needSession();
      const q = a.query as { search: string | null; role: string | null; status: string | null; after: string | null; limit: number | null };
      const s = q.search?.toLowerCase();
      const all = users.filter((u) => (!s || [u.username, u.email, u.first_name, u.last_name].some((v) => v?.toLowerCase().includes(s))) && (!q.role || u.roles.includes(q.role as never)) && (!q.status || u.status === q.status));
      const start = q.after ? Number(q.after) : 0;
      const limit = q.limit ?? 25;
      return { items: all.slice(start, start + limit), total: all.length, total_exact: true, next_cursor: start + limit < all.length ? String(start + limit) : null };
    },
    get_user: (a) => users.find((u) => u.id === a.id) ?? (() => { throw recordedProblem("no_such_user"); })(),
    create_user: (a) => {
      const r = a.request as UserView & { password: string };
      const refused = refusal(r.password, { username: r.username, email: r.email, first_name: r.first_name, last_name: r.last_name });
      if (refused) throw refused;
      if (users.some((u) => u.username === r.username)) throw recordedProblem("username_taken");
      const u = makeUser({ ...r, roles: r.roles ?? ["viewer"], status: r.status ?? "active" });
      users.unshift(u);
      return u;
    },
    create_admin: (a) => {
      const r = a.request as { email: string; username: string | null; first_name: string | null; last_name: string | null };
      const u = makeUser({ ...r, username: r.username ?? r.email.split("@")[0]!, roles: ["admin"], email_confirmed_at: now() });
      users.unshift(u);
      return u;
    },
    set_user_status: (a) => { const u = users.find((x) => x.id === a.id)!; u.status = (a.change as { status: UserView["status"] }).status; return u; },
    set_user_roles: (a) => { const u = users.find((x) => x.id === a.id)!; u.roles = (a.change as { roles: UserView["roles"] }).roles; return u; },
    reset_user_password: (a) => { const u = users.find((x) => x.id === a.id)!; u.must_change_password = true; return { user: u, temporary_password: "Tmp-" + secret("x").slice(2, 18), revoked_api_tokens: 0 }; },
    unlock_user: (a) => { const u = users.find((x) => x.id === a.id)!; u.locked_until = null; u.failed_sign_ins = 0; return u; },
    list_accounts: (a) => { const q = a.query as { limit: number; offset: number }; return { items: accounts.slice(q.offset, q.offset + q.limit), total: accounts.length, total_exact: true, next_cursor: null }; },
    create_account: (a) => {
      const r = a.request as { name: string; username: string; email: string | null; password: string; first_name: string | null; last_name: string | null; token_name: string | null };
      const account = { ...org, id: id("acc"), name: r.name, created_at: now() };
      accounts.push(account);
      const user = makeUser({ account_id: account.id, username: r.username, email: r.email ?? `${r.username}@example.test`, first_name: r.first_name, last_name: r.last_name, roles: ["admin"] });
      users.push(user);
      const token: ApiTokenView = { id: id("tok"), name: r.token_name ?? "Default", prefix: "gth_K2pQ", user_id: user.id, owner_username: user.username, account_id: account.id, created_at: now(), created_by: state.session?.user.id ?? null, created_by_username: state.session?.user.username ?? null, expires_at: new Date(Date.now() + 90 * 864e5).toISOString(), last_used_at: null, revoked_at: null, state: "active" };
      return { account, user, initial_token: token, initial_token_secret: secret("gth"), replayed: false };
    },
    list_api_tokens: (a) => {
      const q = a.query as { user_id: string | null };
      return { items: tokens.filter((t) => t.user_id === (q.user_id ?? state.session?.user.id)) };
    },
    list_all_api_tokens: (a) => {
      const q = a.query as { account_id: string | null; state: string | null; any_state: boolean | null };
      const items = tokens.filter((t) => (!q.account_id || t.account_id === q.account_id) && (q.any_state || t.state === (q.state ?? "active")));
      return { items, total: items.length, total_exact: true, next_cursor: null };
    },
    update_user: (a) => {
      const u = users.find((x) => x.id === a.id)!;
      const r = a.update as { version: number; username: string | null; email: string | null; first_name: string | null; last_name: string | null; business_role: string | null };
      if (r.version !== u.version) throw problem(409, "stale_version", "Changed meanwhile", "Someone else changed this user since you opened it: nothing was saved. Reload to see their changes.");
      const blank = (v: string | null, old: string | null) => (v === null ? old : v.trim() === "" ? null : v.trim());
      Object.assign(u, { username: r.username ?? u.username, email: blank(r.email, u.email), first_name: blank(r.first_name, u.first_name), last_name: blank(r.last_name, u.last_name), business_role: blank(r.business_role, u.business_role), version: u.version + 1, updated_at: now() });
      return u;
    },
    delete_user: (a) => {
      const i = users.findIndex((x) => x.id === a.id);
      const [u] = users.splice(i, 1);
      return { id: u!.id, username: u!.username, deleted_api_tokens: 0 };
    },
    generate_password: () => ({ password: "Tq7!kPm-4xWd9#hJ2rVa" }),
    me: () => users.find((u) => u.id === state.session?.user.id) ?? state.session?.user,
    list_audit_events: () => ({ items: audit(), next_cursor: null }),
    verify_audit_trail: () => ({ verified: audit().length, broken_at: null, head_seq: audit().length, head_hash: HASH(audit().length) }),
    start_totp_enrollment: () => ({ secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", otpauth_uri: "otpauth://totp/Gatehouse:jlopez?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Gatehouse", qr_svg: QR_SVG }),
    get_account: (a) => accounts.find((x) => x.id === a.id) ?? (() => { throw problem(404, "not_found", "Not found", "There is no such account."); })(),
    get_account_detail: (a) => {
      const account = accounts.find((x) => x.id === a.id)!;
      const members = users.filter((u) => u.account_id === account.id);
      const live = tokens.filter((t) => t.account_id === account.id && t.state === "active");
      return { account, members: members.slice(0, 200), member_count: members.length, api_tokens: live, live_api_token_count: live.length };
    },
    list_plans: () => {
      const plans = [...new Set(accounts.map((x) => x.plan))].sort();
      return { items: plans.map((plan) => ({ plan, accounts: accounts.filter((x) => x.plan === plan).length })) };
    },
    update_account: (a) => {
      const account = accounts.find((x) => x.id === a.id)!;
      const r = a.update as { name: string | null; plan: string | null };
      Object.assign(account, { name: r.name?.trim() ?? account.name, plan: r.plan ?? account.plan });
      return account;
    },
    set_account_status: (a) => {
      const account = accounts.find((x) => x.id === a.id)!;
      account.status = (a.change as { status: AccountView["status"] }).status;
      return account;
    },
    delete_account: (a) => {
      const i = accounts.findIndex((x) => x.id === a.id);
      const [account] = accounts.splice(i, 1);
      const gone = users.filter((u) => u.account_id === account!.id).length;
      return { id: account!.id, name: account!.name, deleted_users: gone, deleted_api_tokens: 0 };
    },
    create_api_token: (a) => {
      const r = a.request as { name: string; expires_in_days: number | null; never_expires: boolean };
      const t: ApiTokenView = { id: id("tok"), name: r.name, prefix: "gth_P0w3", user_id: state.session!.user.id, owner_username: state.session!.user.username, account_id: "acc_1", created_at: now(), created_by: state.session!.user.id, created_by_username: state.session!.user.username, expires_at: r.never_expires ? null : new Date(Date.now() + (r.expires_in_days ?? settings.api_token_days) * 864e5).toISOString(), last_used_at: null, revoked_at: null, state: "active" };
      tokens.unshift(t);
      return { token: t, secret: secret("gth") };
    },
    revoke_api_token: (a) => { const t = tokens.find((x) => x.id === a.id)!; t.state = "revoked"; t.revoked_at = now(); return t; },
    get_settings: () => structuredClone(settings),
    update_settings: (a) => {
      // Taken as sent: the UI's own range checks run first, and the core is the judge.
      const s = a.settings as Settings;
      Object.assign(settings, s);
      return structuredClone(settings);
    },
    get_preferences: () => state.preferences,
    set_preferences: (a) => { state.preferences = a.preferences as AppState["preferences"]; return state.preferences; },
    copy_secret: () => ({ clears_at: new Date(Date.now() + state.preferences.clipboard_clear_seconds * 1000).toISOString(), seconds: state.preferences.clipboard_clear_seconds }),
    clear_clipboard: () => null,
  };

  (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = {
    invoke: async (cmd: string, args: Args) => {
      await new Promise((r) => setTimeout(r, 15));
      const h = handlers[cmd];
      if (!h) throw problem(500, "internal", "Unknown command", cmd);
      return h(args ?? {});
    },
    transformCallback: () => 0,
    metadata: { currentWindow: { label: "main" }, currentWebview: { label: "main", windowLabel: "main" } },
  };
}
