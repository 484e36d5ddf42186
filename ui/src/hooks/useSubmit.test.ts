import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ProblemError } from "../api/client";
import { problem } from "../test/fixtures";
import { useSubmit } from "./useSubmit";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

describe("useSubmit", () => {
  it("is busy while the action runs and returns its result", async () => {
    let finish!: (v: string) => void;
    const { result } = renderHook(() => useSubmit());
    expect(result.current.busy).toBe(false);
    let returned: Promise<string | null> = Promise.resolve(null);
    act(() => {
      returned = result.current.run(() => new Promise<string>((res) => (finish = res)));
    });
    expect(result.current.busy).toBe(true);
    await act(async () => finish("done"));
    await expect(returned).resolves.toBe("done");
    expect(result.current.busy).toBe(false);
    expect(result.current.problem).toBeNull();
  });

  it("sets the problem and its field errors on a rejection, returning null", async () => {
    const { result } = renderHook(() => useSubmit());
    const refused = problem({ errors: [{ field: "name", code: "required", message: "Enter a name." }] });
    let returned: unknown = "unset";
    await act(async () => {
      returned = await result.current.run(() => Promise.reject(new ProblemError(refused)));
    });
    expect(returned).toBeNull();
    expect(result.current.busy).toBe(false);
    expect(result.current.problem).toEqual(refused);
    expect(result.current.errors).toEqual({ name: "Enter a name." });
  });

  it("clears the problem as soon as the next action starts", async () => {
    const { result } = renderHook(() => useSubmit());
    await act(async () => {
      await result.current.run(() => Promise.reject(new ProblemError(problem())));
    });
    expect(result.current.problem).not.toBeNull();
    let finish!: (v: number) => void;
    act(() => {
      void result.current.run(() => new Promise<number>((res) => (finish = res)));
    });
    expect(result.current.problem).toBeNull();
    expect(result.current.errors).toEqual({});
    expect(result.current.busy).toBe(true);
    await act(async () => finish(1));
    expect(result.current.busy).toBe(false);
  });

  it("turns anything thrown into a Problem, never a stack trace", async () => {
    const { result } = renderHook(() => useSubmit());
    const fn = vi.fn(() => Promise.reject(new TypeError("boom")));
    await act(async () => {
      await result.current.run(fn);
    });
    expect(result.current.problem?.code).toBe("internal");
    expect(result.current.problem?.detail).not.toContain("boom");
  });

  it("drops a changed field's error at once, and the whole problem when no field error is left", async () => {
    const { result } = renderHook(() => useSubmit());
    const refused = problem({
      errors: [
        { field: "name", code: "required", message: "Enter a name." },
        { field: "email", code: "invalid", message: "Enter an email address." },
      ],
    });
    await act(async () => {
      await result.current.run(() => Promise.reject(new ProblemError(refused)));
    });
    const typed = vi.fn();
    act(() => result.current.onEdit("name", typed)("Ann"));
    expect(typed).toHaveBeenCalledWith("Ann");
    expect(result.current.errors).toEqual({ email: "Enter an email address." });
    expect(result.current.problem?.detail).toBe(refused.detail);
    // A field without an error changes nothing.
    act(() => result.current.clearFields("plan"));
    expect(result.current.errors).toEqual({ email: "Enter an email address." });
    act(() => result.current.clearFields("email"));
    expect(result.current.problem).toBeNull();
    expect(result.current.errors).toEqual({});
  });

  it("keeps a problem that no field made when a field changes", async () => {
    const { result } = renderHook(() => useSubmit());
    const denied = problem({ code: "invalid_credentials", title: "Sign-in failed", detail: "Wrong username or password.", errors: [] });
    await act(async () => {
      await result.current.run(() => Promise.reject(new ProblemError(denied)));
    });
    act(() => result.current.clearFields("password"));
    expect(result.current.problem).toEqual(denied);
  });
});
