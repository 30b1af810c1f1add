import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";

/** How close to the bottom (px) still counts as "at the latest message". */
const AT_BOTTOM_PX = 48;

export interface FollowLatest {
  /** The scrolling element. */
  scroller: RefObject<HTMLDivElement | null>;
  /** The element whose size grows as messages arrive (observed for growth). */
  content: RefObject<HTMLDivElement | null>;
  /** True when content arrived below the visible area while the user was reading further up. */
  hasUnseen: boolean;
  /** Scrolls to the newest content and follows it again. */
  jumpToLatest(): void;
}

/**
 * Keeps the newest message in view while the reader is at the bottom, and leaves the view where
 * it is once they scroll up (then `hasUnseen` tells that more arrived below).
 *
 * Only a scroll that moves the view up un-pins it. Content growth never does: a scroll event that
 * arrives after the list grew (React commits, then the browser reports the earlier programmatic
 * scroll) must not be mistaken for the reader leaving the bottom.
 */
export function useFollowLatest(changeKey: unknown): FollowLatest {
  const scroller = useRef<HTMLDivElement | null>(null);
  const content = useRef<HTMLDivElement | null>(null);
  const pinned = useRef(true);
  const lastTop = useRef(0);
  const [hasUnseen, setHasUnseen] = useState(false);

  const toBottom = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    element.scrollTop = element.scrollHeight;
    lastTop.current = element.scrollTop;
  }, []);

  const jumpToLatest = useCallback(() => {
    pinned.current = true;
    setHasUnseen(false);
    toBottom();
  }, [toBottom]);

  useLayoutEffect(() => {
    if (pinned.current) toBottom();
    else {
      const element = scroller.current;
      if (element && element.scrollHeight - element.scrollTop - element.clientHeight > AT_BOTTOM_PX) setHasUnseen(true);
    }
  }, [changeKey, toBottom]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const onScroll = () => {
      const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
      if (distance < AT_BOTTOM_PX) {
        pinned.current = true;
        setHasUnseen(false);
      } else if (element.scrollTop < lastTop.current - 1) {
        pinned.current = false;
      }
      lastTop.current = element.scrollTop;
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    // Markdown, widgets and the panel itself change size after React's commit: follow that too.
    const observer = new ResizeObserver(() => {
      if (pinned.current) toBottom();
    });
    observer.observe(element);
    if (content.current) observer.observe(content.current);
    return () => {
      element.removeEventListener("scroll", onScroll);
      observer.disconnect();
    };
  }, [toBottom]);

  return { scroller, content, hasUnseen, jumpToLatest };
}
