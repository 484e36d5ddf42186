import { useEffect, useId, useRef, type ReactNode } from "react";
import { focusHeading } from "../lib/focus";

type Props = {
  title: string;
  children: ReactNode;
  /** Called on Escape; the dialog decides whether it may close. */
  onEscape: () => void;
  wide?: boolean;
};

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function radioName(el: Element | null): string | null {
  return el instanceof HTMLInputElement && el.type === "radio" && el.name !== "" ? el.name : null;
}

/** The elements Tab stops at, in order: a group of radios is one stop (its checked one, else its first). */
function tabStops(root: HTMLElement): HTMLElement[] {
  const all = Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.tabIndex >= 0 && !el.closest("[hidden]"));
  return all.filter((el) => {
    const name = radioName(el);
    if (name === null) return true;
    const group = all.filter((o) => radioName(o) === name) as HTMLInputElement[];
    return el === (group.find((o) => o.checked) ?? group[0]);
  });
}

/** Where the focused element is among the stops (a radio counts as its group's stop); -1 if not among them. */
function stopIndex(stops: HTMLElement[], active: Element | null): number {
  const at = stops.indexOf(active as HTMLElement);
  if (at !== -1) return at;
  const name = radioName(active);
  return name === null ? -1 : stops.findIndex((s) => radioName(s) === name);
}

/** A modal dialog: focus moves in, Tab stays inside, Escape asks to close, focus returns after. */
export function Dialog({ title, children, onEscape, wide }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const onEscapeRef = useRef(onEscape);
  useEffect(() => {
    onEscapeRef.current = onEscape;
  }, [onEscape]);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const node = ref.current;
    if (node) {
      const first = node.querySelector<HTMLElement>("[data-autofocus]") ?? node.querySelector<HTMLElement>(FOCUSABLE);
      (first ?? node).focus();
    }
    return () => {
      // The opener may be gone (a row re-rendered, a screen changed): then the page's heading.
      if (previous && previous !== document.body && document.contains(previous)) previous.focus();
      else focusHeading();
    };
  }, []);

  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape") {
      e.stopPropagation();
      e.preventDefault();
      onEscapeRef.current();
      return;
    }
    if (e.key === "Tab" && ref.current) {
      const items = tabStops(ref.current);
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      // From the dialog itself (tabIndex -1) or anything not in the list, wrap too:
      // the browser would otherwise move to the page behind.
      const at = stopIndex(items, document.activeElement);
      if (e.shiftKey && at <= 0) {
        e.preventDefault();
        items[items.length - 1]!.focus();
      } else if (!e.shiftKey && (at === -1 || at === items.length - 1)) {
        e.preventDefault();
        items[0]!.focus();
      }
    }
  }

  return (
    <div className="backdrop">
      <div
        ref={ref}
        className={wide ? "dialog wide" : "dialog"}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
