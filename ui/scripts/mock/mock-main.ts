// Dev-only entry: installs a fake Tauri shell, then starts the real UI.
// Never part of the production bundle (vite.config.ts builds ../../index.html only).
import { installMockShell } from "./mock-shell";

installMockShell(new URLSearchParams(location.search).get("scenario") ?? "fresh");
// As tauri.conf.json's "freezePrototype": true does in the real window.
Object.freeze(Object.prototype);
await import("../../src/main");
