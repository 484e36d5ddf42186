// A stand-in for the Tauri shell's `invoke` (the boundary of the UI), for unit tests:
// vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock")).
type Handler = (command: string, args: Record<string, unknown> | undefined) => Promise<unknown>;

export const calls: { command: string; args: Record<string, unknown> | undefined }[] = [];
let handler: Handler = () => Promise.resolve(undefined);

/** Sets how the fake shell answers every command from now on. */
export function onInvoke(h: Handler): void {
  handler = h;
}

export function resetInvoke(): void {
  calls.length = 0;
  handler = () => Promise.resolve(undefined);
}

export function invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  calls.push({ command, args });
  return handler(command, args) as Promise<T>;
}

/** The password an `evaluate_password` call was made for. */
export function candidateOf(args: Record<string, unknown> | undefined): string {
  return (args?.candidate as { password: string } | undefined)?.password ?? "";
}
