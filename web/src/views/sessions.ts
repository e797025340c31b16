/** Your sessions: start one, watch it come up, connect to it, stop/start/delete it. */
import type { Api } from '../api.ts';
import {
  copyButton,
  describeError,
  field,
  formatDate,
  h,
  messageBox,
  saveBlob,
  showFieldErrors,
} from '../dom.ts';
import type { Context, View } from '../main.ts';
import { type SessionView, TRANSITIONAL } from '../types.ts';

const REFRESH_MS = 3000;
/** Short button labels; the API's titles ("Jupyter Notebook") are for lists. */
const APP_LABELS: Record<string, string> = { jupyter: 'Jupyter', ttyd: 'Terminal' };

export function sshCommand(s: SessionView): string | null {
  return s.ssh.port === null ? null : `ssh -p ${s.ssh.port} ${s.ssh.user}@${s.ssh.host}`;
}

function statusCell(s: SessionView): HTMLElement {
  return h(
    'td',
    { 'data-label': 'Status' },
    h('span', { class: `status status-${s.status.toLowerCase()}` }, s.status),
    s.statusReason ? h('span', { class: 'reason' }, s.statusReason) : null,
  );
}

function sshCell(s: SessionView): HTMLElement {
  const command = sshCommand(s);
  return h(
    'td',
    { 'data-label': 'SSH' },
    command
      ? h(
          'div',
          { class: 'ssh' },
          h('code', {}, command),
          copyButton(command, `Copy the ssh command for ${s.name}`),
        )
      : h('span', { class: 'muted' }, '—'),
  );
}

/** Opens the window first (in the click, so no popup blocker objects), then sends it to the single-use URL. */
async function openApp(api: Api, s: SessionView, app: string): Promise<void> {
  const tab = window.open('about:blank', '_blank');
  try {
    const { url } = await api.openApp(s.id, app);
    if (tab) {
      tab.opener = null;
      tab.location.href = url;
    } else {
      window.open(url, '_blank', 'noopener');
    }
  } catch (error) {
    tab?.close();
    throw error;
  }
}

async function downloadKey(api: Api, s: SessionView, format: 'openssh' | 'ppk'): Promise<void> {
  const blob = await api.sshKey(s.id, format);
  saveBlob(blob, format === 'ppk' ? `id_container_${s.name}.ppk` : `id_container_${s.name}`);
}

export interface TableOptions {
  showOwner?: boolean;
  /** the row's buttons; none for read-only views */
  actions?: (s: SessionView) => HTMLElement[];
}

export function sessionsTable(sessions: SessionView[], options: TableOptions = {}): HTMLElement {
  if (sessions.length === 0) return h('p', { class: 'empty' }, 'No sessions yet.');
  const headers = [
    'Name',
    options.showOwner ? 'Owner' : null,
    'Status',
    'Image',
    'Resources',
    'SSH',
    'Created',
  ];
  if (options.actions) headers.push('Actions');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'sessions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.filter(Boolean).map((title) => h('th', { scope: 'col' }, title ?? '')),
        ),
      ),
      h(
        'tbody',
        {},
        sessions.map((s) =>
          h(
            'tr',
            { 'data-session': s.name },
            h('th', { scope: 'row', 'data-label': 'Name' }, s.name),
            options.showOwner ? h('td', { 'data-label': 'Owner' }, s.owner.name) : null,
            statusCell(s),
            h('td', { 'data-label': 'Image' }, s.image),
            h(
              'td',
              { 'data-label': 'Resources', class: 'nowrap' },
              `${s.resources.cpu} vCPU · ${s.resources.memoryMiB} MiB`,
            ),
            sshCell(s),
            h(
              'td',
              { 'data-label': 'Created' },
              h('time', { datetime: s.createdAt }, formatDate(s.createdAt)),
            ),
            options.actions
              ? h('td', { 'data-label': 'Actions' }, h('div', { class: 'actions' }, options.actions(s)))
              : null,
          ),
        ),
      ),
    ),
  );
}

function createForm(api: Api, onCreated: () => void): HTMLElement {
  const name = field(
    'Name',
    h('input', { name: 'name', required: true, maxlength: 63, autocomplete: 'off', spellcheck: 'false' }),
    'Lowercase letters, digits and "-".',
  );
  const image = field('Image', h('input', { name: 'image', value: 'python', autocomplete: 'off' }));
  const cpu = field(
    'vCPUs',
    h('input', { name: 'cpu', type: 'number', min: 0.25, step: 0.25, placeholder: 'default' }),
  );
  const memory = field(
    'Memory (MiB)',
    h('input', { name: 'memoryMiB', type: 'number', min: 256, step: 256, placeholder: 'default' }),
  );
  const box = messageBox();
  const submit = h('button', { type: 'submit' }, 'Start session');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'start-title', novalidate: true },
    h('h2', { id: 'start-title' }, 'Start a session'),
    box.el,
    h('div', { class: 'grid' }, name.wrap, image.wrap, cpu.wrap, memory.wrap),
    h('div', { class: 'form-actions' }, submit),
  );
  const fields = { name, image, 'resources.cpu': cpu, 'resources.memoryMiB': memory };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    box.clear();
    showFieldErrors(undefined, fields);
    const resources: { cpu?: number; memoryMiB?: number } = {};
    if (cpu.input.value) resources.cpu = Number(cpu.input.value);
    if (memory.input.value) resources.memoryMiB = Number(memory.input.value);
    submit.disabled = true;
    try {
      const created = await api.createSession({
        name: name.input.value.trim(),
        ...(image.input.value.trim() ? { image: image.input.value.trim() } : {}),
        ...(Object.keys(resources).length > 0 ? { resources } : {}),
      });
      box.ok(`Launched ${created.name}: it shows RUNNING below once SSH and Jupyter answer.`);
      name.input.value = '';
      onCreated();
    } catch (error) {
      const unclaimed = showFieldErrors(error, fields);
      box.error([describeError(error), ...unclaimed].join(' '));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

export function sessionsView(ctx: Context): View {
  const { api } = ctx;
  const box = messageBox();
  const list = h(
    'div',
    { 'aria-live': 'polite', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Loading…'),
  );
  const refreshNote = h(
    'p',
    { class: 'hint', hidden: true },
    'Refreshing every 3 s while a session is changing.',
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let generation = 0;

  const act = (label: string, work: () => Promise<void>) => async (event: Event) => {
    const button = event.currentTarget as HTMLButtonElement;
    button.disabled = true;
    box.clear();
    try {
      await work();
      await load();
    } catch (error) {
      box.error(`${label}: ${describeError(error)}`);
    } finally {
      button.disabled = false;
    }
  };

  const actions = (s: SessionView): HTMLElement[] => {
    const button = (text: string, label: string, work: () => Promise<void>, kind = 'secondary') =>
      h(
        'button',
        {
          type: 'button',
          class: `small ${kind}`,
          'aria-label': `${text} ${s.name}`,
          onclick: act(label, work),
        },
        text,
      );
    const running = s.status === 'RUNNING';
    return [
      ...(running
        ? s.apps.map((app) =>
            button(
              `Open ${APP_LABELS[app.name] ?? app.title}`,
              `Opening ${app.title}`,
              () => openApp(api, s, app.name),
              'primary',
            ),
          )
        : []),
      button('Download key', 'Downloading the key', () => downloadKey(api, s, 'openssh')),
      button('Download .ppk', 'Downloading the key', () => downloadKey(api, s, 'ppk')),
      ...(running || s.status === 'PENDING' || s.status === 'PROVISIONING'
        ? [button('Stop', `Stopping ${s.name}`, async () => void (await api.action(s.id, 'stop')))]
        : []),
      ...(s.status === 'STOPPED' || s.status === 'FAILED'
        ? [button('Start', `Starting ${s.name}`, async () => void (await api.action(s.id, 'start')))]
        : []),
      button(
        'Delete',
        `Deleting ${s.name}`,
        async () => {
          if (!window.confirm(`Delete session ${s.name}? Its container goes; your home folder is kept.`))
            return;
          await api.deleteSession(s.id);
        },
        'danger',
      ),
    ];
  };

  async function load(): Promise<void> {
    clearTimeout(timer);
    // Only the latest load draws and schedules the next one: no overlapping refresh loops.
    const mine = ++generation;
    try {
      const sessions = await api.sessions();
      if (disposed || mine !== generation) return;
      list.replaceChildren(sessionsTable(sessions, { actions }));
      list.setAttribute('aria-busy', 'false');
      const changing = sessions.some((s) => TRANSITIONAL.includes(s.status));
      refreshNote.hidden = !changing;
      if (changing) timer = setTimeout(() => void load(), REFRESH_MS);
    } catch (error) {
      if (!disposed) box.error(`Could not load your sessions: ${describeError(error)}`);
    }
  }

  void load();
  return {
    el: h(
      'div',
      {},
      createForm(api, () => void load()),
      h(
        'section',
        { 'aria-labelledby': 'list-title' },
        h('h2', { id: 'list-title' }, 'Your sessions'),
        box.el,
        refreshNote,
        list,
      ),
    ),
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
