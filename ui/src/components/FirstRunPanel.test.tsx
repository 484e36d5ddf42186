import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FirstRunPanel } from "./FirstRunPanel";

describe("first-run panel", () => {
  beforeEach(() => window.localStorage.clear());

  it("says what to do next on a fresh instance, and its links open the forms", async () => {
    const onNewUser = vi.fn();
    const onNewAdmin = vi.fn();
    render(<FirstRunPanel instanceId="i1" fresh onNewUser={onNewUser} onNewAdmin={onNewAdmin} />);
    expect(screen.getByRole("heading", { name: "Next steps" })).toBeInTheDocument();
    expect(screen.getByTestId("first-run")).toHaveTextContent("POST /api/v1/users");
    await userEvent.click(screen.getByTestId("first-run-new-user"));
    await userEvent.click(screen.getByTestId("first-run-new-admin"));
    expect(onNewUser).toHaveBeenCalledOnce();
    expect(onNewAdmin).toHaveBeenCalledOnce();
  });

  it("stays hidden for that instance once dismissed, and shows again for another", async () => {
    const { unmount } = render(<FirstRunPanel instanceId="i1" fresh onNewUser={vi.fn()} onNewAdmin={vi.fn()} />);
    await userEvent.click(screen.getByTestId("first-run-dismiss"));
    expect(screen.queryByTestId("first-run")).toBeNull();
    expect(window.localStorage.getItem("gatehouse.first-run-dismissed.i1")).toBe("1");
    unmount();
    const again = render(<FirstRunPanel instanceId="i1" fresh onNewUser={vi.fn()} onNewAdmin={vi.fn()} />);
    expect(screen.queryByTestId("first-run")).toBeNull();
    again.unmount();
    render(<FirstRunPanel instanceId="i2" fresh onNewUser={vi.fn()} onNewAdmin={vi.fn()} />);
    expect(screen.getByTestId("first-run")).toBeInTheDocument();
  });

  it("is not shown once the instance has more than its first admin", () => {
    render(<FirstRunPanel instanceId="i1" fresh={false} onNewUser={vi.fn()} onNewAdmin={vi.fn()} />);
    expect(screen.queryByTestId("first-run")).toBeNull();
  });
});
