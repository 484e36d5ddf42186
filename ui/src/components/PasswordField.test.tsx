import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { ALL_PASS } from "../test/fixtures";
import { PasswordField } from "./PasswordField";

const report = { report: ALL_PASS, current: true, passed: true, problem: null };

function Harness({ generate }: { generate?: () => Promise<string | null> }) {
  const [value, setValue] = useState("");
  const [again, setAgain] = useState("");
  return (
    <PasswordField
      label="Password"
      value={value}
      onChange={setValue}
      report={report}
      testId="pw"
      confirm={{ value: again, onChange: setAgain, testId: "pw-again" }}
      {...(generate ? { generate } : {})}
    />
  );
}

describe("password field", () => {
  it("shows and hides the password with a toggle that says which", async () => {
    render(<Harness />);
    const ue = userEvent.setup();
    const input = screen.getByTestId("pw");
    expect(input).toHaveAttribute("type", "password");
    await ue.click(screen.getByRole("button", { name: "Show password" }));
    expect(input).toHaveAttribute("type", "text");
    expect(screen.getByTestId("pw-again")).toHaveAttribute("type", "text");
    expect(screen.getByTestId("pw-toggle")).toHaveAttribute("aria-pressed", "true");
    await ue.click(screen.getByRole("button", { name: "Hide password" }));
    expect(input).toHaveAttribute("type", "password");
    expect(screen.queryByTestId("pw-generate")).toBeNull();
  });

  it("fills both fields with a generated password and shows it", async () => {
    render(<Harness generate={() => Promise.resolve("Tq7!kPm-4xWd9#hJ2rVa")} />);
    const ue = userEvent.setup();
    await ue.click(screen.getByTestId("pw-generate"));
    await waitFor(() => expect(screen.getByTestId("pw")).toHaveValue("Tq7!kPm-4xWd9#hJ2rVa"));
    expect(screen.getByTestId("pw-again")).toHaveValue("Tq7!kPm-4xWd9#hJ2rVa");
    expect(screen.getByTestId("pw")).toHaveAttribute("type", "text");
  });

  it("leaves the fields as they are when no password could be generated", async () => {
    render(<Harness generate={() => Promise.resolve(null)} />);
    const ue = userEvent.setup();
    await ue.type(screen.getByTestId("pw"), "mine");
    await ue.click(screen.getByTestId("pw-generate"));
    expect(screen.getByTestId("pw")).toHaveValue("mine");
    expect(screen.getByTestId("pw")).toHaveAttribute("type", "password");
  });
});
