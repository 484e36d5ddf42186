import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppState } from "../bindings/AppState";
import type { ServerContact } from "../bindings/ServerContact";
import { AppContext } from "../lib/app";
import { problem } from "../test/fixtures";
import { calls, onInvoke, resetInvoke } from "../test/tauri-mock";
import { ServerConnect } from "./ServerConnect";

vi.mock("@tauri-apps/api/core", () => import("../test/tauri-mock"));

const FINGERPRINT = "SHA256:" + Array.from({ length: 32 }, () => "AB").join(":");
const empty: AppState = { connection: null, instance: null, connection_problem: null, session: null, preferences: { clipboard_clear_seconds: 30, theme: "system" } };
const connected: AppState = { ...empty, connection: { kind: "server", label: "Team", detail: "https://gh.test/" } };

function renderCard(setState: (s: AppState) => void = () => undefined) {
  render(
    <AppContext.Provider value={{ state: empty, setState, refresh: () => Promise.resolve(), session: null }}>
      <ServerConnect disabled={false} />
    </AppContext.Provider>,
  );
}

function answer(contact: ServerContact, saved: unknown[] = []) {
  onInvoke((cmd) => {
    switch (cmd) {
      case "saved_servers":
        return Promise.resolve(saved);
      case "contact_server":
        return Promise.resolve(contact);
      case "connect_server":
        return Promise.resolve(connected);
      default:
        return Promise.reject(problem());
    }
  });
}

const connectArgs = () => calls.filter((c) => c.command === "connect_server").map((c) => c.args?.profile);

describe("connecting to a Gatehouse server", () => {
  beforeEach(() => resetInvoke());

  it("shows a self-signed certificate's fingerprint and trusts it only once compared", async () => {
    const setState = vi.fn();
    answer({ fingerprint: FINGERPRINT, trusted_by_system: false, initialized: true, organization: "Acme" });
    renderCard(setState);
    await userEvent.clear(screen.getByTestId("server-url"));
    await userEvent.type(screen.getByTestId("server-url"), "https://gh.test:8443");
    await userEvent.click(screen.getByTestId("server-check"));
    expect(await screen.findByTestId("server-fingerprint")).toHaveTextContent(FINGERPRINT);
    expect(screen.getByTestId("server-contact")).toHaveTextContent("instance of Acme");
    expect(screen.getByTestId("server-connect")).toBeDisabled();
    await userEvent.click(screen.getByTestId("server-trust"));
    await userEvent.click(screen.getByTestId("server-connect"));
    expect(connectArgs()).toEqual([{ name: "gh.test:8443", url: "https://gh.test:8443", fingerprint: FINGERPRINT }]);
    expect(setState).toHaveBeenCalledWith(connected);
  });

  it("pins nothing when the system's roots vouch for the certificate", async () => {
    answer({ fingerprint: FINGERPRINT, trusted_by_system: true, initialized: false, organization: null });
    renderCard();
    await userEvent.clear(screen.getByTestId("server-url"));
    await userEvent.type(screen.getByTestId("server-url"), "https://gh.example.com");
    await userEvent.click(screen.getByTestId("server-check"));
    expect(await screen.findByTestId("server-contact")).toHaveTextContent("setup code");
    expect(screen.queryByTestId("server-trust")).toBeNull();
    await userEvent.click(screen.getByTestId("server-connect"));
    expect(connectArgs()).toEqual([{ name: "gh.example.com", url: "https://gh.example.com", fingerprint: null }]);
  });

  it("connects a saved server with its pin, and says plainly when the certificate changed", async () => {
    const saved = { name: "Team", url: "https://gh.test:8443", fingerprint: FINGERPRINT };
    onInvoke((cmd) =>
      cmd === "saved_servers"
        ? Promise.resolve([saved])
        : Promise.reject(problem({ code: "certificate_changed", status: 502, title: "Certificate changed", detail: "The certificate of gh.test is not the one this profile trusts." })),
    );
    renderCard();
    await userEvent.click(await screen.findByTestId("saved-server"));
    expect(screen.getByTestId("server-pinned")).toHaveTextContent(FINGERPRINT);
    await userEvent.click(screen.getByTestId("server-connect"));
    expect(connectArgs()).toEqual([saved]);
    expect(await screen.findByRole("alert")).toHaveTextContent("not the one this profile trusts");
  });
});
