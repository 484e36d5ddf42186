import { beforeEach, describe, expect, it, vi } from "vitest";
import { api, fieldErrors, genericProblem, onSessionProblem, ProblemError, toProblem } from "./client";
import { problem } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

function lastCall() {
  const c = calls[calls.length - 1];
  return c ? [c.command, c.args] : null;
}

async function rejection(p: Promise<unknown>): Promise<ProblemError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemError);
    return e as ProblemError;
  }
  throw new Error("expected a rejection");
}

describe("api client", () => {
  beforeEach(() => resetInvoke());

  it("calls each command by its name with the Rust argument names as keys", async () => {
    onInvoke(() => Promise.resolve({ ok: true }));
    const request = {
      name: "Acme", plan: null, metadata: null, username: "ann", email: null, password: "pw",
      first_name: null, last_name: null, token_name: null,
    };
    await api.createAccount(request, "key-1");
    expect(lastCall()).toEqual(["create_account", { request, idempotency_key: "key-1" }]);

    const candidate = {
      password: "secret",
      context: { username: "ann", email: null, first_name: null, last_name: null },
      policy: null,
    };
    await api.evaluatePassword(candidate);
    expect(lastCall()).toEqual(["evaluate_password", { candidate }]);

    await api.resetUserPassword("u1", { temporary_password: null });
    expect(lastCall()).toEqual(["reset_user_password", { id: "u1", request: { temporary_password: null } }]);

    await api.appState();
    expect(lastCall()).toEqual(["app_state", {}]);
  });

  it("returns what the command resolved with", async () => {
    onInvoke(() => Promise.resolve({ ok: false, message: "connection refused" }));
    await expect(
      api.testRemote({ name: "db", host: "h", port: 5432, database: "d", username: "u", password: null, tls: "prefer", save_password: false }),
    ).resolves.toEqual({ ok: false, message: "connection refused" });
  });

  it("rejects with the shell's Problem, field errors included", async () => {
    const p = problem({ errors: [{ field: "password", code: "min_length", message: "At least 12 characters" }] });
    onInvoke(() => Promise.reject(p));
    const err = await rejection(api.createUser({} as never));
    expect(err.problem).toEqual(p);
    expect(fieldErrors(err.problem)).toEqual({ password: "At least 12 characters" });
  });

  it("accepts a Problem sent as a JSON string", async () => {
    const p = problem({ code: "invalid_credentials", title: "Sign-in failed", status: 401, detail: "Wrong username or password." });
    onInvoke(() => Promise.reject(JSON.stringify(p)));
    const err = await rejection(api.signIn({ login: "a", password: "b" }));
    expect(err.problem.code).toBe("invalid_credentials");
    expect(err.problem.detail).toBe("Wrong username or password.");
  });

  it("turns unexpected rejections into a generic, readable Problem without a stack trace", async () => {
    const boom = new TypeError("Cannot read properties of undefined (reading 'x')");
    boom.stack = "TypeError: Cannot read...\n    at invoke (core.js:12:3)";
    for (const weird of [boom, "thread 'main' panicked at src/lib.rs:10", undefined, 42, { message: "no title" }]) {
      onInvoke(() => Promise.reject(weird));
      const err = await rejection(api.listApiTokens({ user_id: null }));
      expect(err.problem).toEqual(genericProblem());
      expect(err.problem.detail).not.toMatch(/at |panicked|undefined/);
    }
  });

  it("keeps known fields and drops malformed field errors", () => {
    const p = toProblem({ title: "Bad", code: "something_new", errors: [{ field: "email", message: "Taken", code: "taken" }, { nope: 1 }] });
    expect(p.code).toBe("internal");
    expect(p.status).toBe(500);
    expect(p.errors).toEqual([{ field: "email", code: "taken", message: "Taken" }]);
  });

  it("tells the app when the session is gone, except for sign-in's own failures", async () => {
    const seen: string[] = [];
    const off = onSessionProblem((p) => seen.push(p.code));
    onInvoke(() => Promise.reject(problem({ code: "token_expired", title: "Session expired", status: 401 })));
    await rejection(api.listUsers({ search: null, role: null, status: null, after: null, limit: null }));
    onInvoke(() => Promise.reject(problem({ code: "unauthenticated", title: "Not signed in", status: 401 })));
    await rejection(api.signIn({ login: "a", password: "b" }));
    onInvoke(() => Promise.reject(problem({ code: "conflict", title: "Taken", status: 409 })));
    await rejection(api.createAdmin({ email: "a@b.c", password: "x", username: null, first_name: null, last_name: null }));
    onInvoke(() => Promise.reject(problem({ code: "token_expired", title: "Session expired", status: 401 })));
    await rejection(api.changePassword({ current_password: "a", new_password: "b" }));
    onInvoke(() => Promise.reject(problem({ errors: [{ field: "current_password", code: "incorrect", message: "Not it." }] })));
    await rejection(api.changePassword({ current_password: "a", new_password: "b" }));
    off();
    expect(seen).toEqual(["token_expired", "token_expired"]);
  });
});
