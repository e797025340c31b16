/**
 * ttyd's WebSocket protocol (subprotocol `tty`), so the page, and any ttyd client, can talk to
 * the agent's terminal. Every message starts with one ASCII command character.
 */

export const TTY_SUBPROTOCOL = 'tty';

/** client → server */
const INPUT = '0';
const RESIZE = '1';
const PAUSE = '2';
const RESUME = '3';

/** server → client */
const OUTPUT = '0';
const SET_WINDOW_TITLE = '1';
const SET_PREFERENCES = '2';

// Bounds keep a hostile or buggy client from asking node-pty for an absurd window.
const MAX_DIMENSION = 1000;

export interface TerminalSize {
  columns: number;
  rows: number;
}

export type ClientMessage =
  | { type: 'input'; data: Buffer }
  | ({ type: 'resize' } & TerminalSize)
  | { type: 'pause' }
  | { type: 'resume' };

function asDimension(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return undefined;
  return Math.min(value, MAX_DIMENSION);
}

function parseSize(json: string): TerminalSize | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { columns, rows } = value as Record<string, unknown>;
  const c = asDimension(columns);
  const r = asDimension(rows);
  return c && r ? { columns: c, rows: r } : undefined;
}

/**
 * The first client message: `{"AuthToken":"","columns":n,"rows":n}`. The AuthToken is ignored:
 * the agent has already checked the session cookie on the upgrade request.
 */
export function parseInitMessage(raw: Buffer): TerminalSize | undefined {
  return parseSize(raw.toString('utf8'));
}

export function parseClientMessage(raw: Buffer): ClientMessage | undefined {
  if (raw.length === 0) return undefined;
  const command = String.fromCharCode(raw[0] as number);
  switch (command) {
    case INPUT:
      return { type: 'input', data: raw.subarray(1) };
    case RESIZE: {
      const size = parseSize(raw.subarray(1).toString('utf8'));
      return size ? { type: 'resize', ...size } : undefined;
    }
    case PAUSE:
      return { type: 'pause' };
    case RESUME:
      return { type: 'resume' };
    default:
      return undefined;
  }
}

function frame(command: string, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(command, 'ascii'), body]);
}

export function encodeOutput(data: string | Buffer): Buffer {
  return frame(OUTPUT, data);
}

export function encodeTitle(title: string): Buffer {
  return frame(SET_WINDOW_TITLE, title);
}

export function encodePreferences(preferences: Record<string, unknown>): Buffer {
  return frame(SET_PREFERENCES, JSON.stringify(preferences));
}
