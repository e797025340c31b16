/** Your settings: the SSH port new sessions should get when it is free. */
import { describeError, field, h, messageBox, showFieldErrors } from '../dom.ts';
import type { Context, View } from '../main.ts';

export function settingsView(ctx: Context): View {
  const port = field(
    'Preferred SSH port',
    h('input', {
      name: 'preferredSshPort',
      type: 'number',
      min: 10000,
      max: 65000,
      step: 1,
      inputmode: 'numeric',
      placeholder: 'none',
      value: ctx.me.settings.preferredSshPort ?? undefined,
    }),
    'Sessions you start get this port when it is free (10000–65000). Leave empty for any port.',
  );
  const box = messageBox();
  const save = h('button', { type: 'submit' }, 'Save');
  const clear = h('button', { type: 'button', class: 'secondary' }, 'Clear');

  const apply = async (value: number | null) => {
    box.clear();
    port.setError();
    save.disabled = clear.disabled = true;
    try {
      const me = await ctx.api.updateSettings({ preferredSshPort: value });
      ctx.setMe(me);
      port.input.value = me.settings.preferredSshPort?.toString() ?? '';
      box.ok(value === null ? 'Preferred SSH port cleared.' : `Preferred SSH port set to ${value}.`);
    } catch (error) {
      const unclaimed = showFieldErrors(error, { preferredSshPort: port });
      box.error([describeError(error), ...unclaimed].join(' '));
    } finally {
      save.disabled = clear.disabled = false;
    }
  };

  const form = h(
    'form',
    { class: 'card narrow', 'aria-label': 'Settings', novalidate: true },
    box.el,
    port.wrap,
    h('div', { class: 'form-actions' }, save, clear),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const raw = port.input.value.trim();
    void apply(raw === '' ? null : Number(raw));
  });
  clear.addEventListener('click', () => void apply(null));
  return { el: form };
}
