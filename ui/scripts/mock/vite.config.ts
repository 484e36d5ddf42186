import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Serves the UI over a fake shell for screenshots: `npx vite --config scripts/mock/vite.config.ts`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: { port: 5180, strictPort: true, fs: { allow: ["../.."] } },
  build: { target: "es2022" },
});
