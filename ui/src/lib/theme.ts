import { useEffect } from "react";
import type { Theme } from "../bindings/Theme";

/** The colours the window shows: `data-theme` on the root element (styles.css has both palettes). */
export type Shown = "light" | "dark";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function systemQuery(): MediaQueryList | null {
  return typeof window.matchMedia === "function" ? window.matchMedia(DARK_QUERY) : null;
}

/** What a preference shows: the system's choice for `system`. */
export function shownTheme(preference: Theme, systemDark: boolean): Shown {
  if (preference === "system") return systemDark ? "dark" : "light";
  return preference;
}

/** Sets `data-theme` on the root element for this preference, as the system is now. */
export function applyTheme(preference: Theme): Shown {
  const shown = shownTheme(preference, systemQuery()?.matches ?? false);
  document.documentElement.dataset.theme = shown;
  return shown;
}

/** Keeps `data-theme` on the root element true to the preference, following the system while it is `system`. */
export function useTheme(preference: Theme): void {
  useEffect(() => {
    applyTheme(preference);
    const query = preference === "system" ? systemQuery() : null;
    if (!query) return;
    const follow = () => applyTheme("system");
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, [preference]);
}
