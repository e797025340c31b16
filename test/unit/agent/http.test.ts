import { describe, expect, it } from 'vitest';
import { isSameOrigin, route } from '../../../images/agent/src/http-server.ts';
import { countBusyKernels, jupyterArgs } from '../../../images/agent/src/jupyter.ts';
import { problemBody } from '../../../images/agent/src/problem.ts';
import { parseListeningPorts, parseStatParent } from '../../../images/agent/src/proc.ts';
import { withoutCookie } from '../../../images/agent/src/proxy.ts';

describe('route', () => {
  const base = '/s/s-test';

  it('finds health and activity at the root whatever the base path', () => {
    expect(route('/healthz', base)).toEqual({ kind: 'health' });
    expect(route('/_berth/activity?x=1', base)).toEqual({ kind: 'activity' });
  });

  it('sends the apps below the base path, with the rest of the path', () => {
    expect(route('/s/s-test/jupyter/api/status', base)).toEqual({
      kind: 'app',
      app: 'jupyter',
      rest: 'api/status',
    });
    expect(route('/s/s-test/ttyd/ws', base)).toEqual({ kind: 'app', app: 'ttyd', rest: 'ws' });
    expect(route('/s/s-test/ttyd/', base)).toEqual({ kind: 'app', app: 'ttyd', rest: '' });
  });

  it('adds the trailing slash, keeping the query (and so a launch token)', () => {
    expect(route('/s/s-test/jupyter?berth_token=t', base)).toEqual({
      kind: 'add-slash',
      location: '/s/s-test/jupyter/?berth_token=t',
    });
  });

  it('serves nothing outside the base path or for another app', () => {
    expect(route('/jupyter/api/status', base)).toEqual({ kind: 'not-found' });
    expect(route('/s/s-other/jupyter/', base)).toEqual({ kind: 'not-found' });
    expect(route('/s/s-test/jupyterx/', base)).toEqual({ kind: 'not-found' });
    expect(route('/s/s-test/jupyter/../../s-other/ttyd/', base)).toEqual({ kind: 'not-found' });
  });

  it('works without a base path', () => {
    expect(route('/ttyd/xterm.js', '')).toEqual({ kind: 'app', app: 'ttyd', rest: 'xterm.js' });
  });
});

describe('isSameOrigin (terminal WebSocket)', () => {
  it('admits the page’s own origin, default ports and case aside', () => {
    expect(isSameOrigin('https://berth.example.com', 'berth.example.com')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(isSameOrigin('http://Berth.Example.com:80', 'berth.example.com')).toBe(true);
  });

  it('refuses a sibling or foreign origin and garbage', () => {
    expect(isSameOrigin('https://s-other.berth.example.com', 's-test.berth.example.com')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:9999', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('null', 'berth.example.com')).toBe(false);
    expect(isSameOrigin('https://berth.example.com', undefined)).toBe(false);
  });

  it('leaves clients that send no Origin to the cookie check', () => {
    expect(isSameOrigin(undefined, 'berth.example.com')).toBe(true);
  });
});

describe('withoutCookie', () => {
  it('removes only the agent’s cookie before Jupyter sees the request', () => {
    expect(withoutCookie('_xsrf=abc; berth_stest=tok.mac; username=x', 'berth_stest')).toBe(
      '_xsrf=abc; username=x',
    );
    expect(withoutCookie('berth_stest=tok.mac', 'berth_stest')).toBeUndefined();
    expect(withoutCookie(undefined, 'berth_stest')).toBeUndefined();
  });
});

describe('jupyterArgs', () => {
  const args = jupyterArgs({
    sessionId: 's-test',
    appSecret: 'x',
    sshPublicKey: 'k',
    basePath: '/s/s-test',
    owner: 'o',
  });

  it('serves under the session prefix on loopback with no Jupyter token', () => {
    expect(args).toContain('--NotebookApp.base_url=/s/s-test/jupyter/');
    expect(args).toContain('--ip=127.0.0.1');
    expect(args).toContain('--port=8888');
    expect(args).toContain('--NotebookApp.token=');
    expect(args).toContain('--NotebookApp.allow_remote_access=True');
  });

  it('never widens the origin policy', () => {
    expect(args.some((a) => /allow_origin|disable_check_xsrf/.test(a))).toBe(false);
  });
});

describe('countBusyKernels', () => {
  it('counts kernels whose execution state is busy', () => {
    expect(
      countBusyKernels([
        { execution_state: 'busy' },
        { execution_state: 'idle' },
        { execution_state: 'busy' },
      ]),
    ).toBe(2);
    expect(countBusyKernels({ message: 'not a list' })).toBe(0);
  });
});

describe('/proc parsing', () => {
  it('finds listening ports in a /proc/net/tcp table', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:08AE 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1',
      '   1: 0100007F:22B8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1',
      '   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1',
    ].join('\n');
    expect([...parseListeningPorts(table)].sort()).toEqual([2222, 8888]);
  });

  it('reads the parent pid even when the command name holds spaces and parentheses', () => {
    expect(parseStatParent('42 (sshd: work (x)) S 17 42 42 0 -1')).toBe(17);
  });
});

describe('problemBody', () => {
  it('is problem+json with the status title', () => {
    expect(JSON.parse(problemBody(403, 'token belongs to another session'))).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'token belongs to another session',
    });
  });
});
