/**
 * The browser terminal (app `ttyd`): each WebSocket gets its own pty running a tmux client on the
 * one tmux session `berth`, so several tabs share a shell and a reload reattaches to it.
 */
import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type IPty, spawn } from 'node-pty';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { ActivityTracker } from './activity.ts';
import { workEnvironment } from './children.ts';
import type { AgentConfig } from './config.ts';
import { WORK_USER } from './config.ts';
import { errorMessage, log } from './log.ts';
import {
  encodeOutput,
  encodePreferences,
  encodeTitle,
  parseClientMessage,
  parseInitMessage,
  type TerminalSize,
  TTY_SUBPROTOCOL,
} from './terminal-protocol.ts';

const TMUX = '/usr/bin/tmux';
const TMUX_SESSION = 'berth';
/** Input is keystrokes and pastes; a bigger frame is a misbehaving client. */
const MAX_CLIENT_FRAME_BYTES = 1 << 20;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class TerminalService {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    handleProtocols: (offered) => (offered.has(TTY_SUBPROTOCOL) ? TTY_SUBPROTOCOL : false),
  });
  private readonly ptys = new Set<IPty>();

  constructor(
    private readonly config: AgentConfig,
    private readonly activity: ActivityTracker,
  ) {}

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.attach(ws));
  }

  private attach(ws: WebSocket): void {
    const release = this.activity.openConnection();
    let pty: IPty | undefined;

    ws.on('message', (data) => {
      this.activity.touch();
      const raw = toBuffer(data);
      if (!pty) {
        const size = parseInitMessage(raw);
        if (!size) {
          ws.close(1008, 'first message must be {"columns":n,"rows":n}');
          return;
        }
        pty = this.openShell(ws, size);
        return;
      }
      const message = parseClientMessage(raw);
      switch (message?.type) {
        case 'input':
          pty.write(message.data.toString('utf8'));
          break;
        case 'resize':
          pty.resize(message.columns, message.rows);
          break;
        case 'pause':
          pty.pause();
          break;
        case 'resume':
          pty.resume();
          break;
        case undefined:
          break;
      }
    });
    ws.on('close', () => {
      release();
      if (pty) {
        this.ptys.delete(pty);
        // Ends this tmux client only; the session and its shells keep running.
        pty.kill('SIGHUP');
      }
    });
    ws.on('error', (err) => log.warn('terminal-socket-error', { error: errorMessage(err) }));
  }

  private openShell(ws: WebSocket, size: TerminalSize): IPty {
    ws.send(encodeTitle(`${this.config.owner} · ${this.config.sessionId}`));
    ws.send(encodePreferences({}));
    const pty = spawn(TMUX, ['new-session', '-A', '-s', TMUX_SESSION], {
      name: 'xterm-256color',
      cols: size.columns,
      rows: size.rows,
      cwd: WORK_USER.home,
      env: { ...workEnvironment(this.config), TERM: 'xterm-256color' },
      uid: WORK_USER.uid,
      gid: WORK_USER.gid,
    });
    this.ptys.add(pty);
    log.info('terminal-attached', { clients: this.ptys.size });
    pty.onData((output) => {
      this.activity.touch();
      ws.send(encodeOutput(output));
    });
    pty.onExit(({ exitCode }) => {
      this.ptys.delete(pty);
      log.info('terminal-detached', { exitCode, clients: this.ptys.size });
      ws.close(1000, 'terminal closed');
    });
    return pty;
  }

  /** Closes every browser terminal and ends the tmux server with the shells in it. */
  async stop(): Promise<void> {
    for (const client of this.server.clients) client.close(1001, 'session stopping');
    for (const pty of this.ptys) pty.kill('SIGHUP');
    this.ptys.clear();
    await new Promise<void>((resolve) => {
      execFile(
        TMUX,
        ['kill-server'],
        { uid: WORK_USER.uid, gid: WORK_USER.gid, env: workEnvironment(this.config), timeout: 2_000 },
        () => resolve(),
      );
    });
  }
}
