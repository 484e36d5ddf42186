import { useEffect, useRef } from "react";

/** Focuses the page's main heading (made focusable by script only), e.g. when what had the focus is gone. */
export function focusHeading(root: ParentNode = document): void {
  const h1 = root.querySelector<HTMLElement>("main h1") ?? root.querySelector<HTMLElement>("h1");
  if (!h1) return;
  if (!h1.hasAttribute("tabindex")) h1.setAttribute("tabindex", "-1");
  h1.focus();
}

/** No element has the focus: it was on something that is gone (the page has it then). */
function focusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === document.documentElement;
}

/**
 * When `view` changes (a list gives way to a form, a form to the list…) and the focus was
 * on something the change removed, it goes to the new view's heading instead of the page.
 * A field that autoFocus chose keeps it. Nothing moves on the first view.
 */
export function useFocusLanding(view: string): void {
  // Not on the first view: the page starts with the focus nowhere, Tab then starts at the top.
  const shown = useRef(view);
  useEffect(() => {
    if (shown.current === view) return;
    shown.current = view;
    if (focusLost()) focusHeading();
  }, [view]);
}
