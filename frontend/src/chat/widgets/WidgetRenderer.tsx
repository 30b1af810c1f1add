import { createContext, useContext, useRef, type CSSProperties, type FormEvent, type ReactNode } from "react";
import type { ActionConfig, WidgetNode } from "../../chatkit/types";
import { Icon } from "../../ui/Icon";
import { Markdown } from "../Markdown";

export interface WidgetActionHandler {
  (action: ActionConfig, formValues?: Record<string, unknown>): void;
}

interface WidgetContextValue {
  onAction: WidgetActionHandler;
  disabled: boolean;
  form: HTMLFormElement | null;
}

const WidgetContext = createContext<WidgetContextValue>({ onAction: () => undefined, disabled: false, form: null });

/** Renders a ChatKit widget tree; buttons call `onAction`, which sends threads.custom_action. */
export function WidgetView({
  widget,
  onAction,
  disabled,
}: {
  widget: WidgetNode;
  onAction: WidgetActionHandler;
  disabled: boolean;
}) {
  return (
    <WidgetContext.Provider value={{ onAction, disabled, form: null }}>
      <div className="widget">
        <Node node={widget} />
      </div>
    </WidgetContext.Provider>
  );
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
}

function isAction(value: unknown): value is ActionConfig {
  return !!value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string";
}

function size(value: unknown): string | undefined {
  if (typeof value === "number") return `${value * 4}px`;
  if (typeof value === "string" && /^[\d.]+(px|%|rem|em)?$/.test(value)) return /\d$/.test(value) ? `${Number(value) * 4}px` : value;
  return undefined;
}

const ALIGN: Record<string, string> = { start: "flex-start", center: "center", end: "flex-end", baseline: "baseline", stretch: "stretch" };
const JUSTIFY: Record<string, string> = {
  start: "flex-start",
  center: "center",
  end: "flex-end",
  between: "space-between",
  around: "space-around",
  evenly: "space-evenly",
  stretch: "stretch",
};

function boxStyle(node: WidgetNode, direction: "row" | "column"): CSSProperties {
  const style: CSSProperties = { display: "flex", flexDirection: direction };
  const gap = size(node.gap);
  if (gap) style.gap = gap;
  const padding = size(node.padding);
  if (padding) style.padding = padding;
  if (typeof node.align === "string" && ALIGN[node.align]) style.alignItems = ALIGN[node.align];
  if (typeof node.justify === "string" && JUSTIFY[node.justify]) style.justifyContent = JUSTIFY[node.justify];
  if (typeof node.wrap === "string") style.flexWrap = node.wrap as CSSProperties["flexWrap"];
  if (typeof node.flex === "number" || typeof node.flex === "string") style.flex = node.flex;
  return style;
}

function toneClass(prefix: string, value: unknown): string {
  return typeof value === "string" && /^[a-z-]+$/.test(value) ? ` ${prefix}-${value}` : "";
}

function Children({ nodes }: { nodes: unknown }) {
  if (!Array.isArray(nodes)) return null;
  return (
    <>
      {nodes.map((child, index) =>
        child && typeof child === "object" ? (
          <Node key={str((child as WidgetNode).key) ?? str((child as WidgetNode).id) ?? index} node={child as WidgetNode} />
        ) : null,
      )}
    </>
  );
}

function formValues(form: HTMLFormElement | null): Record<string, unknown> | undefined {
  if (!form) return undefined;
  const values: Record<string, unknown> = {};
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement)) continue;
    if (!element.name) continue;
    if (element instanceof HTMLInputElement && element.type === "checkbox") values[element.name] = element.checked;
    else if (element instanceof HTMLInputElement && element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
    } else values[element.name] = element.value;
  }
  return values;
}

const BUTTON_COLORS = ["primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"];
const BUTTON_VARIANTS = ["solid", "soft", "outline", "ghost"];

function pick(value: unknown, allowed: string[], fallback: string): string {
  return typeof value === "string" && allowed.includes(value) ? value : fallback;
}

function ActionButton({
  label,
  action,
  node,
  disabled,
}: {
  label: string;
  action: unknown;
  node?: WidgetNode;
  disabled?: boolean;
}) {
  const context = useContext(WidgetContext);
  // `style` is ChatKit's older preset; `color` and `variant` win when present.
  const preset = node?.style === "secondary" ? "secondary" : "primary";
  const color = pick(node?.color, BUTTON_COLORS, preset);
  const variant = pick(node?.variant, BUTTON_VARIANTS, preset === "secondary" && node?.color === undefined ? "outline" : "solid");
  const sizeClass = typeof node?.size === "string" && /^(3xs|2xs|xs|sm|md|lg|xl|2xl|3xl)$/.test(node.size) ? ` wbutton-${node.size}` : "";
  const iconStart = str(node?.iconStart);
  const iconEnd = str(node?.iconEnd);
  return (
    <button
      type="button"
      className={`wbutton wbutton-${variant} wcolor-${color}${sizeClass}${node?.pill ? " wbutton-pill" : ""}${node?.block === true ? " wbutton-block" : ""}`}
      disabled={disabled || context.disabled || !isAction(action)}
      onClick={() => {
        if (isAction(action)) context.onAction(action, formValues(context.form));
      }}
    >
      {iconStart && <WidgetIcon name={iconStart} />}
      {label && <span className="wbutton-label">{label}</span>}
      {iconEnd && <WidgetIcon name={iconEnd} />}
    </button>
  );
}

function FormBox({ node, children, className, style }: { node: WidgetNode; children: ReactNode; className: string; style?: CSSProperties }) {
  const context = useContext(WidgetContext);
  const ref = useRef<HTMLFormElement | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const action = node.onSubmitAction ?? (node.confirm as { action?: unknown } | undefined)?.action;
    if (isAction(action)) context.onAction(action, formValues(ref.current));
  };
  return (
    <form ref={ref} className={className} style={style} onSubmit={submit}>
      <WidgetContext.Provider value={{ ...context, get form() { return ref.current; } }}>{children}</WidgetContext.Provider>
    </form>
  );
}

function Node({ node }: { node: WidgetNode }): ReactNode {
  const context = useContext(WidgetContext);
  switch (node.type) {
    case "Card":
    case "Basic": {
      const confirm = node.confirm as { label?: string; action?: unknown } | undefined;
      const cancel = node.cancel as { label?: string; action?: unknown } | undefined;
      const content = (
        <>
          {node.status ? <WidgetStatus status={node.status} /> : null}
          <div className="wcard-body">
            <Children nodes={node.children} />
          </div>
          {(confirm || cancel) && (
            <div className="wcard-actions">
              {cancel && <ActionButton label={cancel.label ?? "Cancel"} action={cancel.action} node={{ type: "Button", variant: "outline", color: "secondary" }} />}
              {confirm && <ActionButton label={confirm.label ?? "Confirm"} action={confirm.action} />}
            </div>
          )}
        </>
      );
      const className = `wcard${node.size ? ` wcard-${str(node.size)}` : ""}`;
      return node.asForm ? (
        <FormBox node={node} className={className}>
          {content}
        </FormBox>
      ) : (
        <div className={className}>{content}</div>
      );
    }
    case "ListView": {
      const children = Array.isArray(node.children) ? node.children : [];
      const limit = typeof node.limit === "number" ? node.limit : children.length;
      return (
        <div className="wlist">
          {node.status ? <WidgetStatus status={node.status} /> : null}
          <ul>
            {children.slice(0, limit).map((child, index) => (
              <Node key={str(child.key) ?? str(child.id) ?? index} node={child} />
            ))}
          </ul>
          {children.length > limit && <p className="wcaption">{children.length - limit} more not shown</p>}
        </div>
      );
    }
    case "ListViewItem": {
      const action = node.onClickAction;
      const inner = (
        <div className="wlist-item-body" style={boxStyle(node, "row")}>
          <Children nodes={node.children} />
        </div>
      );
      return (
        <li className="wlist-item">
          {isAction(action) ? (
            <button type="button" className="wlist-item-button" disabled={context.disabled} onClick={() => context.onAction(action)}>
              {inner}
            </button>
          ) : (
            inner
          )}
        </li>
      );
    }
    case "Box":
    case "Row":
    case "Col":
    case "Form": {
      const direction = node.type === "Row" || node.direction === "row" ? "row" : "column";
      const style = boxStyle(node, direction);
      if (node.type === "Form")
        return (
          <FormBox node={node} className="wbox" style={style}>
            <Children nodes={node.children} />
          </FormBox>
        );
      return (
        <div className={`wbox${toneClass("bg", node.background)}`} style={style}>
          <Children nodes={node.children} />
        </div>
      );
    }
    case "Text":
      return (
        <p
          className={`wtext${textColor(node.color)}${toneClass("size", node.size)}${toneClass("weight", node.weight)}${node.lineThrough ? " strike" : ""}${node.italic ? " italic" : ""}${node.truncate ? " truncate" : ""}`}
        >
          {str(node.value) ?? ""}
        </p>
      );
    case "Title":
      return <h3 className={`wtitle${toneClass("size", node.size)}`}>{str(node.value) ?? ""}</h3>;
    case "Caption":
      return (
        <p className={`wcaption${textColor(node.color)}${toneClass("weight", node.weight)}${toneClass("size", node.size)}${node.truncate ? " truncate" : ""}`}>
          {str(node.value) ?? ""}
        </p>
      );
    case "Markdown":
      return <Markdown text={str(node.value) ?? ""} className="wmarkdown" />;
    case "Badge":
      return (
        <span
          className={`wbadge wbadge-${pick(node.variant, ["solid", "soft", "outline"], "soft")} wcolor-${pick(node.color, BUTTON_COLORS, "secondary")}${toneClass("size", node.size)}`}
        >
          {str(node.label) ?? ""}
        </span>
      );
    case "Button":
      return (
        <ActionButton
          label={str(node.label) ?? (node.iconStart || node.iconEnd ? "" : "Action")}
          action={node.onClickAction}
          node={node}
          disabled={node.disabled === true}
        />
      );
    case "Divider":
      return <hr className="wdivider" />;
    case "Spacer":
      return <div className="wspacer" aria-hidden="true" style={size(node.minSize) ? { minWidth: size(node.minSize), minHeight: size(node.minSize) } : undefined} />;
    case "Icon":
      return (
        <span className={`wicon${textColor(node.color)}`}>
          <WidgetIcon name={str(node.name) ?? ""} />
        </span>
      );
    case "Image": {
      const src = str(node.src) ?? "";
      const local = src.startsWith("data:image/") || (src.startsWith("/") && !src.startsWith("//"));
      return local ? <img className="wimage" src={src} alt={str(node.alt) ?? ""} /> : <span className="wcaption">[image: {str(node.alt) ?? "external image not loaded"}]</span>;
    }
    case "Label":
      return <label className="wlabel" htmlFor={`w-${str(node.fieldName)}`}>{str(node.value)}</label>;
    case "Input":
      return (
        <input
          className="winput"
          id={`w-${str(node.name)}`}
          name={str(node.name)}
          type={str(node.inputType) ?? "text"}
          defaultValue={str(node.defaultValue)}
          placeholder={str(node.placeholder)}
          aria-label={str(node.placeholder) ?? str(node.name)}
          required={node.required === true}
          disabled={node.disabled === true || context.disabled}
        />
      );
    case "Textarea":
      return (
        <textarea
          className="winput"
          id={`w-${str(node.name)}`}
          name={str(node.name)}
          defaultValue={str(node.defaultValue)}
          placeholder={str(node.placeholder)}
          aria-label={str(node.placeholder) ?? str(node.name)}
          rows={typeof node.rows === "number" ? node.rows : 3}
        />
      );
    case "DatePicker":
      return (
        <input
          className="winput"
          type="date"
          id={`w-${str(node.name)}`}
          name={str(node.name)}
          defaultValue={str(node.defaultValue)?.slice(0, 10)}
          aria-label={str(node.placeholder) ?? str(node.name)}
        />
      );
    case "Select": {
      const options = Array.isArray(node.options) ? (node.options as { value: string; label: string }[]) : [];
      return (
        <select className="winput" id={`w-${str(node.name)}`} name={str(node.name)} defaultValue={str(node.defaultValue)} aria-label={str(node.placeholder) ?? str(node.name)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
    }
    case "Checkbox":
      return (
        <label className="wcheckbox">
          <input type="checkbox" name={str(node.name)} defaultChecked={node.defaultChecked === true} />
          {str(node.label)}
        </label>
      );
    case "RadioGroup": {
      const options = Array.isArray(node.options) ? (node.options as { value: string; label: string }[]) : [];
      return (
        <fieldset className="wradio" aria-label={str(node.ariaLabel) ?? str(node.name)}>
          {options.map((option) => (
            <label key={option.value}>
              <input type="radio" name={str(node.name)} value={option.value} defaultChecked={option.value === node.defaultValue} />
              {option.label}
            </label>
          ))}
        </fieldset>
      );
    }
    case "Transition":
      return <Children nodes={node.children ?? (node.child ? [node.child] : [])} />;
    default:
      return <UnknownWidget node={node} />;
  }
}

function WidgetStatus({ status }: { status: unknown }) {
  const text = status && typeof status === "object" ? str((status as { text?: unknown }).text) : undefined;
  return text ? <p className="wstatus">{text}</p> : null;
}

function collectText(node: unknown, out: string[]): void {
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (["value", "label", "title", "text", "alt"].includes(key) && typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((child) => collectText(child, out));
    else if (value && typeof value === "object" && key !== "onClickAction") collectText(value, out);
  }
}

/** A readable fallback for components this client does not know: never a blank space. */
function UnknownWidget({ node }: { node: WidgetNode }) {
  const texts: string[] = [];
  collectText(node, texts);
  return (
    <div className="wunknown" role="note">
      <span className="wcaption">Unsupported content ({String(node.type)})</span>
      {texts.length > 0 && <p className="wtext">{texts.join(" · ")}</p>}
    </div>
  );
}

const TEXT_COLORS = ["prose", "primary", "emphasis", "secondary", "tertiary", "success", "warning", "danger", "info", "discovery"];

function textColor(value: unknown): string {
  return typeof value === "string" && TEXT_COLORS.includes(value) ? ` tcolor-${value}` : "";
}

/** ChatKit icon names drawn with this app's bundled icons; unknown names get a neutral dot. */
const WIDGET_ICONS: Record<string, string> = {
  check: "check",
  "check-circle": "check",
  "check-circle-filled": "check",
  reload: "retry",
  undo: "retry",
  delete: "trash",
  trash: "trash",
  plus: "plus",
  write: "edit",
  edit: "edit",
  search: "search",
  chat: "chat",
  list: "list",
  calendar: "calendar",
  star: "star",
  "star-filled": "star",
  flag: "flag",
  info: "info",
  bolt: "bolt",
  sparkle: "star",
  "empty-circle": "circle",
  circle: "circle",
  x: "close",
  close: "close",
};

function WidgetIcon({ name }: { name: string }) {
  return <Icon name={WIDGET_ICONS[name] ?? "dot"} size={16} />;
}
