import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ErrorBoundary } from "./ErrorBoundary";

function Broken(): never {
  throw new Error("boom at Broken (src/screens/Broken.tsx:3:9)");
}

describe("error boundary", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows its children while nothing throws", () => {
    render(
      <ErrorBoundary>
        <p>All fine</p>
      </ErrorBoundary>,
    );
    expect(screen.getByText("All fine")).toBeInTheDocument();
    expect(screen.queryByTestId("app-error")).toBeNull();
  });

  it("replaces a screen that throws with the generic message and a Reload button, never the stack", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const reload = vi.fn();
    render(
      <ErrorBoundary onReload={reload}>
        <Broken />
      </ErrorBoundary>,
    );
    const box = screen.getByTestId("app-error");
    expect(box).toHaveTextContent("Something went wrong");
    expect(box).toHaveTextContent("restart Gatehouse");
    expect(document.body).not.toHaveTextContent("boom");
    expect(document.body).not.toHaveTextContent("Broken.tsx");
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    expect(reload).toHaveBeenCalledOnce();
  });
});
