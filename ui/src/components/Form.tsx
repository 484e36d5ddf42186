import type { FormHTMLAttributes, KeyboardEvent } from "react";

/** The form's default button (its first submit button), as implicit submission uses it. */
function defaultButton(form: HTMLFormElement): HTMLButtonElement | HTMLInputElement | null {
  return form.querySelector<HTMLButtonElement | HTMLInputElement>('button[type="submit"], button:not([type]), input[type="submit"]');
}

/** A control on which browsers differ about Enter (WebKitGTK, Chromium and Firefox each do their own). */
function isChooser(el: EventTarget): boolean {
  return el instanceof HTMLSelectElement || (el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"));
}

/**
 * Enter submits from every control of the form, as it does from a text field: also from a
 * select, a checkbox or a radio, and Ctrl+Enter (⌘+Enter) from a textarea, where Enter
 * starts a new line. As with a text field, nothing happens while the default button is
 * disabled. Text fields and buttons keep the browser's own behaviour.
 */
function submitOnEnter(e: KeyboardEvent<HTMLFormElement>): void {
  if (e.key !== "Enter" || e.defaultPrevented || e.nativeEvent.isComposing || e.altKey || e.shiftKey) return;
  const target = e.target;
  const modified = e.ctrlKey || e.metaKey;
  const textarea = target instanceof HTMLTextAreaElement;
  if (textarea ? !modified : modified || !isChooser(target)) return;
  e.preventDefault();
  const form = e.currentTarget;
  const button = defaultButton(form);
  if (button && !button.disabled) form.requestSubmit(button);
}

/** A `<form noValidate>` where Enter submits from any control (see `submitOnEnter`). */
export function Form({ onKeyDown, ...props }: FormHTMLAttributes<HTMLFormElement>) {
  return (
    <form
      noValidate
      {...props}
      onKeyDown={(e) => {
        onKeyDown?.(e);
        submitOnEnter(e);
      }}
    />
  );
}
