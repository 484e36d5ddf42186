import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Form } from "./Form";

function renderForm(onSubmit: () => void, disabled = false) {
  render(
    <Form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <input aria-label="Name" />
      <select aria-label="Kind">
        <option>one</option>
        <option>two</option>
      </select>
      <label>
        <input type="checkbox" /> Check
      </label>
      <label>
        <input type="radio" name="r" /> Radio
      </label>
      <textarea aria-label="Notes" />
      <button type="button">Other</button>
      <button type="submit" disabled={disabled}>
        Save
      </button>
    </Form>,
  );
}

describe("Form: Enter submits from every control", () => {
  it("submits on Enter from a select, a checkbox and a radio, as from a text field", async () => {
    const submit = vi.fn();
    renderForm(submit);
    for (const control of [screen.getByLabelText("Name"), screen.getByLabelText("Kind"), screen.getByLabelText("Check"), screen.getByLabelText("Radio")]) {
      control.focus();
      await userEvent.keyboard("{Enter}");
    }
    expect(submit).toHaveBeenCalledTimes(4);
  });

  it("starts a new line on Enter in a textarea and submits on Ctrl+Enter", async () => {
    const submit = vi.fn();
    renderForm(submit);
    const notes = screen.getByLabelText("Notes");
    await userEvent.type(notes, "a{Enter}b");
    expect(notes).toHaveValue("a\nb");
    expect(submit).not.toHaveBeenCalled();
    await userEvent.keyboard("{Control>}{Enter}{/Control}");
    expect(submit).toHaveBeenCalledTimes(1);
    expect(notes).toHaveValue("a\nb");
  });

  it("does nothing while the default button is disabled, and leaves other buttons their own Enter", async () => {
    const submit = vi.fn();
    renderForm(submit, true);
    for (const control of [screen.getByLabelText("Name"), screen.getByLabelText("Kind"), screen.getByLabelText("Check")]) {
      control.focus();
      await userEvent.keyboard("{Enter}");
    }
    screen.getByLabelText("Notes").focus();
    await userEvent.keyboard("{Control>}{Enter}{/Control}");
    screen.getByRole("button", { name: "Other" }).focus();
    await userEvent.keyboard("{Enter}");
    expect(submit).not.toHaveBeenCalled();
  });
});
