import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ProblemError } from "../api/client";
import { problem } from "../test/fixtures";
import { useLoad } from "./useLoad";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("useLoad", () => {
  it("loads on mount: loading, then the data", async () => {
    const load = vi.fn(() => Promise.resolve(["a", "b"]));
    const { result } = renderHook(() => useLoad(load, []));
    expect(result.current.loading).toBe(true);
    expect(result.current.data).toBeNull();
    await waitFor(() => expect(result.current.data).toEqual(["a", "b"]));
    expect(result.current.loading).toBe(false);
    expect(result.current.problem).toBeNull();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("drops the reply to an older load once a newer one started", async () => {
    const replies = { 1: deferred<string>(), 2: deferred<string>() };
    const { result, rerender } = renderHook(({ page }: { page: 1 | 2 }) => useLoad(() => replies[page].promise, [page]), {
      initialProps: { page: 1 },
    });
    rerender({ page: 2 });
    // The newer reply first, then the stale one: the stale one must not overwrite it.
    await act(async () => replies[2].resolve("page 2"));
    expect(result.current.data).toBe("page 2");
    await act(async () => replies[1].resolve("page 1"));
    expect(result.current.data).toBe("page 2");
    expect(result.current.loading).toBe(false);
  });

  it("keeps the previous data while a newer load is on its way", async () => {
    const second = deferred<string>();
    const load = vi.fn<() => Promise<string>>().mockResolvedValueOnce("first").mockReturnValueOnce(second.promise);
    const { result } = renderHook(() => useLoad(load, []));
    await waitFor(() => expect(result.current.data).toBe("first"));
    act(() => result.current.reload());
    expect(result.current.loading).toBe(true);
    expect(result.current.data).toBe("first");
    await act(async () => second.resolve("second"));
    expect(result.current.data).toBe("second");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("sets the problem on a rejection and clears it with the next reply", async () => {
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new ProblemError(problem({ code: "forbidden", title: "Forbidden", detail: "Admins only." })))
      .mockResolvedValueOnce("ok");
    const { result } = renderHook(() => useLoad(load, []));
    await waitFor(() => expect(result.current.problem?.code).toBe("forbidden"));
    expect(result.current.loading).toBe(false);
    expect(result.current.data).toBeNull();
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.data).toBe("ok"));
    expect(result.current.problem).toBeNull();
  });

  it("loads nothing while disabled, and drops a reply that arrives after it was disabled", async () => {
    const reply = deferred<string>();
    const load = vi.fn(() => reply.promise);
    const { result, rerender } = renderHook(({ enabled }) => useLoad(load, [], { enabled }), { initialProps: { enabled: false } });
    expect(load).not.toHaveBeenCalled();
    expect(result.current.loading).toBe(false);
    rerender({ enabled: true });
    expect(load).toHaveBeenCalledTimes(1);
    rerender({ enabled: false });
    await act(async () => reply.resolve("late"));
    expect(result.current.data).toBeNull();
  });

  it("hands each kept reply to onLoad, and ignores a reply after unmount", async () => {
    const onLoad = vi.fn();
    const kept = renderHook(() => useLoad(() => Promise.resolve(7), [], { onLoad }));
    await waitFor(() => expect(onLoad).toHaveBeenCalledWith(7));

    const late = deferred<number>();
    const onLate = vi.fn();
    const gone = renderHook(() => useLoad(() => late.promise, [], { onLoad: onLate }));
    gone.unmount();
    await act(async () => late.resolve(8));
    expect(onLate).not.toHaveBeenCalled();
    kept.unmount();
  });
});
