import { isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ChatStart } from "./ChatStart";

const ignore = () => undefined;

function chips(html: string): string[] {
  return [...html.matchAll(/<button type="button" class="chip">([^<]*)<\/button>/g)].map((match) => match[1]);
}

function buttons(node: ReactNode): ReactElement<{ onClick(): void; children: ReactNode }>[] {
  if (Array.isArray(node)) return node.flatMap(buttons);
  if (!isValidElement<{ children?: ReactNode; onClick?(): void }>(node)) return [];
  const own = node.type === "button" ? [node as ReactElement<{ onClick(): void; children: ReactNode }>] : [];
  return [...own, ...buttons(node.props.children)];
}

describe("ChatStart", () => {
  it("offers exactly the app's suggestions, in order, under its greeting", () => {
    const html = renderToStaticMarkup(
      <ChatStart greeting="Which errand shall I note down?" suggestions={["Add post the parcel tomorrow", "What's due this week?"]} onSuggestion={ignore} />,
    );

    expect(html).toContain('<p class="chat-empty-title">Which errand shall I note down?</p>');
    expect(chips(html)).toEqual(["Add post the parcel tomorrow", "What&#x27;s due this week?"]);
  });

  it("shows no chip row for an app with no suggestions", () => {
    const html = renderToStaticMarkup(<ChatStart greeting={null} suggestions={[]} onSuggestion={ignore} />);

    expect(html).toContain("How can I help with your tasks?");
    expect(html).not.toContain("suggestions");
    expect(chips(html)).toEqual([]);
  });

  it("sends the text of the chip pressed", () => {
    const sent: string[] = [];
    const start = ChatStart({ greeting: null, suggestions: ["Add buy milk tomorrow", "Show my completed tasks"], onSuggestion: (text) => sent.push(text) });

    const [, second] = buttons(start);
    second.props.onClick();

    expect(sent).toEqual(["Show my completed tasks"]);
  });
});
