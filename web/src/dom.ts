/** A few DOM helpers: elements are built, never parsed from strings, so API data is always text. */
import { ApiError } from './api.ts';

type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

let fieldIds = 0;

/** A labelled input with a slot for its own error message (aria-describedby). */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement,
  hint?: string,
): { wrap: HTMLElement; input: HTMLInputElement | HTMLSelectElement; setError(message?: string): void } {
  const id = `f${++fieldIds}`;
  input.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl, error);
  return {
    wrap,
    input,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

/** A form-level message area: errors are announced (role=alert), successes politely. */
export function messageBox(): {
  el: HTMLElement;
  error(text: string): void;
  ok(text: string): void;
  clear(): void;
} {
  const el = h('div', { class: 'message', 'aria-live': 'polite', hidden: true });
  const show = (text: string, kind: 'error' | 'ok') => {
    el.textContent = text;
    el.className = `message ${kind}`;
    el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    el.hidden = false;
  };
  return {
    el,
    error: (text) => show(text, 'error'),
    ok: (text) => show(text, 'ok'),
    clear() {
      el.hidden = true;
      el.textContent = '';
    },
  };
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.problem.detail || error.problem.title;
  return error instanceof Error ? error.message : String(error);
}

/** Puts problem+json field errors next to their inputs; returns the ones no input claimed. */
export function showFieldErrors(
  error: unknown,
  fields: Record<string, { setError(message?: string): void }>,
): string[] {
  for (const f of Object.values(fields)) f.setError();
  if (!(error instanceof ApiError)) return [];
  const unclaimed: string[] = [];
  for (const { field: name, detail } of error.problem.errors ?? []) {
    const target = fields[name];
    if (target) target.setError(detail);
    else unclaimed.push(`${name}: ${detail}`);
  }
  return unclaimed;
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API outside secure contexts (plain http to a remote host): the old way.
    const area = h('textarea', { class: 'offscreen', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function copyButton(text: string, label: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'small secondary', 'aria-label': label }, 'Copy');
  button.addEventListener('click', async () => {
    button.textContent = (await copyText(text)) ? 'Copied' : 'Copy failed';
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 1500);
  });
  return button;
}

export function saveBlob(blob: Blob, filename: string): void {
  // As text/plain, browsers would append ".txt" to the name; a key file must keep its name.
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/octet-stream' }));
  const link = h('a', { href: url, download: filename, class: 'offscreen' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
