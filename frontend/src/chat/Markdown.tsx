import { Fragment, type ReactNode } from "react";

/**
 * A small Markdown renderer that builds React elements and never injects HTML: text is always
 * a text node, so a reply containing <script> shows the characters, not a script.
 * Supports paragraphs, headings, lists, fenced and inline code, bold, italic, strikethrough and links.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return <div className={className ? `markdown ${className}` : "markdown"}>{renderBlocks(text)}</div>;
}

function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (trimmed.startsWith("/") && !trimmed.startsWith("//")) return trimmed;
  return null;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(~~[^~]+~~)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\([^)\s]+\))/;

/** Inline spans, rendered recursively; unmatched markers stay as plain text. */
export function renderInline(text: string, keyPrefix = "i"): ReactNode[] {
  const nodes: ReactNode[] = [];
  let rest = text;
  let index = 0;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      nodes.push(withBreaks(rest, `${keyPrefix}-${index}`));
      break;
    }
    if (match.index > 0) nodes.push(withBreaks(rest.slice(0, match.index), `${keyPrefix}-${index}t`));
    const token = match[0];
    const key = `${keyPrefix}-${index}`;
    if (match[1]) nodes.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (match[2]) nodes.push(<strong key={key}>{renderInline(token.slice(2, -2), key)}</strong>);
    else if (match[3]) nodes.push(<del key={key}>{renderInline(token.slice(2, -2), key)}</del>);
    else if (match[4]) nodes.push(<em key={key}>{renderInline(token.slice(1, -1), key)}</em>);
    else {
      const close = token.indexOf("](");
      const label = token.slice(1, close);
      const href = safeHref(token.slice(close + 2, -1));
      nodes.push(
        href ? (
          <a key={key} href={href} target="_blank" rel="noopener noreferrer">
            {renderInline(label, key)}
          </a>
        ) : (
          <Fragment key={key}>{label}</Fragment>
        ),
      );
    }
    rest = rest.slice(match.index + token.length);
    index += 1;
  }
  return nodes;
}

function withBreaks(text: string, key: string): ReactNode {
  const lines = text.split("\n");
  if (lines.length === 1) return <Fragment key={key}>{text}</Fragment>;
  return (
    <Fragment key={key}>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </Fragment>
  );
}

function renderBlocks(source: string): ReactNode[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: ReactNode[] = [];
  let i = 0;
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) {
      blocks.push(<p key={`p${blocks.length}`}>{renderInline(paragraph.join("\n"), `p${blocks.length}`)}</p>);
      paragraph = [];
    }
  };
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i].startsWith("```")) code.push(lines[i++]);
      i += 1;
      blocks.push(
        <pre key={`c${blocks.length}`}>
          <code>{code.join("\n")}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = Math.min(heading[1].length + 2, 6);
      const Tag = `h${level}` as "h3" | "h4" | "h5" | "h6";
      blocks.push(<Tag key={`h${blocks.length}`}>{renderInline(heading[2], `h${blocks.length}`)}</Tag>);
      i += 1;
      continue;
    }
    const bullet = /^\s*([-*+]|\d+[.)])\s+/.exec(line);
    if (bullet) {
      flush();
      const ordered = /\d/.test(bullet[1]);
      const entries: string[] = [];
      while (i < lines.length) {
        const entry = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(lines[i]);
        if (!entry) break;
        entries.push(entry[2]);
        i += 1;
      }
      const key = `l${blocks.length}`;
      const children = entries.map((entry, n) => <li key={n}>{renderInline(entry, `${key}-${n}`)}</li>);
      blocks.push(ordered ? <ol key={key}>{children}</ol> : <ul key={key}>{children}</ul>);
      continue;
    }
    if (!line.trim()) {
      flush();
      i += 1;
      continue;
    }
    paragraph.push(line);
    i += 1;
  }
  flush();
  return blocks;
}
