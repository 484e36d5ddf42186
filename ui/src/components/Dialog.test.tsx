import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Dialog } from "./Dialog";

function Radios({ onEscape = () => undefined }: { onEscape?: () => void }) {
  const [mode, setMode] = useState("a");
  return (
    <Dialog title="Choose" onEscape={onEscape}>
      <label>
        <input type="radio" name="mode" checked={mode === "a"} onChange={() => setMode("a")} data-testid="radio-a" />A
      </label>
      <label>
        <input type="radio" name="mode" checked={mode === "b"} onChange={() => setMode("b")} data-testid="radio-b" />B
      </label>
      <input aria-label="Text" data-testid="text" />
      <button type="button" disabled>
        Disabled
      </button>
      <button type="button" data-testid="last">
        OK
      </button>
    </Dialog>
  );
}

describe("dialog", () => {
  it("keeps Tab and Shift+Tab inside when the dialog itself has the focus", async () => {
    render(
      <>
        <button type="button">Behind</button>
        <Radios />
      </>,
    );
    const dialog = screen.getByRole("dialog");
    dialog.focus();
    await userEvent.tab({ shift: true });
    expect(screen.getByTestId("last")).toHaveFocus();

    dialog.focus();
    await userEvent.tab();
    expect(screen.getByTestId("radio-a")).toHaveFocus();
  });

  it("wraps from the last stop to the first and back, a radio group counting as one stop", async () => {
    render(
      <>
        <button type="button">Behind</button>
        <Radios />
      </>,
    );
    // The second radio is checked and focused: it is the group's (and the dialog's first) stop.
    await userEvent.click(screen.getByTestId("radio-b"));
    expect(screen.getByTestId("radio-b")).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(screen.getByTestId("last")).toHaveFocus();
    await userEvent.tab();
    expect(screen.getByTestId("radio-b")).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(screen.getByTestId("last")).toHaveFocus();
    expect(screen.getByRole("dialog")).toContainElement(document.activeElement as HTMLElement);
  });

  it("returns the focus to its opener, or to the page's heading when the opener is gone", async () => {
    function Page({ keepOpener }: { keepOpener: boolean }) {
      const [open, setOpen] = useState(false);
      return (
        <main>
          <h1>Tokens</h1>
          {(keepOpener || !open) && (
            <button type="button" onClick={() => setOpen(true)}>
              Open
            </button>
          )}
          {open && (
            <Dialog title="Hello" onEscape={() => setOpen(false)}>
              <button type="button">Inside</button>
            </Dialog>
          )}
        </main>
      );
    }
    const { unmount } = render(<Page keepOpener />);
    await userEvent.click(screen.getByText("Open"));
    expect(screen.getByText("Inside")).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.getByText("Open")).toHaveFocus();
    unmount();

    render(<Page keepOpener={false} />);
    await userEvent.click(screen.getByText("Open"));
    expect(screen.getByText("Inside")).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("heading", { name: "Tokens" })).toHaveFocus();
  });
});
