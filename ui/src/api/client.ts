// The window's commands, typed: `api` is the generated `commands` (one function per
// operation of the Rust operation table) over one `call` that normalises every
// rejection to a Problem, so screens never see a stack trace.
import { invoke } from "@tauri-apps/api/core";
import { commands, SESSIONLESS_COMMANDS } from "../bindings/commands";
import { ERROR_CODES } from "../bindings/constants";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { FieldError } from "../bindings/FieldError";
import type { Problem } from "../bindings/Problem";

const KNOWN_CODES: ReadonlySet<string> = new Set<string>(ERROR_CODES);

/** Thrown by every wrapper: carries the Problem. */
export class ProblemError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ProblemError";
    this.problem = problem;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((e): FieldError[] =>
    isRecord(e) && typeof e.field === "string" && typeof e.message === "string"
      ? [{ field: e.field, code: typeof e.code === "string" ? e.code : "invalid", message: e.message }]
      : [],
  );
}

/** The Problem shown when the shell failed in a way it did not describe. */
export function genericProblem(): Problem {
  return {
    type: "about:blank",
    title: "Something went wrong",
    status: 500,
    detail: "The app could not complete this action. Please try again; if it keeps failing, restart Gatehouse.",
    code: "internal",
    errors: [],
  };
}

/** Turns anything a command rejected with into a Problem (never a stack trace). */
export function toProblem(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  let value: unknown = err;
  if (typeof value === "string") {
    // The shell may reject with a JSON string.
    try {
      value = JSON.parse(value);
    } catch {
      return genericProblem();
    }
  }
  if (isRecord(value) && typeof value.title === "string" && typeof value.code === "string") {
    const code = KNOWN_CODES.has(value.code) ? (value.code as ErrorCode) : "internal";
    return {
      type: typeof value.type === "string" ? value.type : "about:blank",
      title: value.title,
      status: typeof value.status === "number" ? value.status : 500,
      detail: typeof value.detail === "string" ? value.detail : "",
      code,
      errors: asFieldErrors(value.errors),
      ...(isRecord(value.second_factor) && typeof value.second_factor.challenge === "string"
        ? { second_factor: { challenge: value.second_factor.challenge, expires_at: String(value.second_factor.expires_at) } }
        : {}),
    };
  }
  return genericProblem();
}

/** Codes after which the app must look at its state again (the session ended or must change). */
const SESSION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["unauthenticated", "token_expired", "password_change_required", "second_factor_enrollment_required"]);
const sessionListeners = new Set<(p: Problem) => void>();

/** Called whenever a command fails because the session ended or needs a password change. */
export function onSessionProblem(listener: (p: Problem) => void): () => void {
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    const problem = toProblem(err);
    // "unauthenticated" from a sign-in or the app's own state is an answer; from any
    // other command it means the session ended.
    if (SESSION_CODES.has(problem.code) && !SESSIONLESS_COMMANDS.has(command)) {
      for (const l of sessionListeners) l(problem);
    }
    throw new ProblemError(problem);
  }
}

export const api = commands(call);

export type Api = typeof api;

/** The message of one field from a Problem, if any (exact name match). */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!problem) return out;
  for (const e of problem.errors) {
    out[e.field] = out[e.field] ? `${out[e.field]} ${e.message}` : e.message;
  }
  return out;
}
