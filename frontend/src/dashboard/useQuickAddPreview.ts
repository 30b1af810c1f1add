import { useEffect, useState } from "react";
import type { QuickAddParse } from "../api/tasks";
import { PREVIEW_DELAY_MS, type QuickAddParser, readQuickAdd } from "./quickAdd";

export interface QuickAddPreview {
  /** The text the reading is of (a reading of older text must not be saved). */
  text: string;
  parsed: QuickAddParse;
}

/** The server's reading of the quick-add line, refreshed once typing pauses; null while none. */
export function useQuickAddPreview(parse: QuickAddParser | undefined, text: string): QuickAddPreview | null {
  const [preview, setPreview] = useState<QuickAddPreview | null>(null);
  useEffect(() => {
    const trimmed = text.trim();
    if (!parse || !trimmed) {
      setPreview(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      void readQuickAdd(parse, trimmed, controller.signal).then((parsed) => {
        if (!controller.signal.aborted) setPreview(parsed ? { text: trimmed, parsed } : null);
      });
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [parse, text]);
  return preview;
}
