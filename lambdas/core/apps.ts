/** The browser apps every session serves through its agent (no imports: the agent and the console use it too). */
export const APP_NAMES = ['jupyter', 'ttyd'] as const;
export type AppName = (typeof APP_NAMES)[number];
