import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrivateKey, generateSessionKeypair } from '../../../lambdas/core/keys.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-keys-'));

/** The public key the real OpenSSH derives from a private key file. */
function sshKeygenPublic(file: string): string {
  return execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
}

describe.each(['ed25519', 'rsa'] as const)('%s session keys', (type) => {
  const keys = generateSessionKeypair(type);
  const publicKey = keys.publicKey.split(' ').slice(0, 2).join(' ');

  it('is an authorized_keys line tagged as the session key', () => {
    expect(keys.publicKey).toMatch(new RegExp(`^ssh-${type} [A-Za-z0-9+/=]+ berth-session$`));
  });

  it('exports an OpenSSH private key that ssh-keygen reads back to the same public key', () => {
    const file = path.join(dir, `id_${type}`);
    writeFileSync(file, exportPrivateKey(keys.privateKeyPem, 'openssh'), { mode: 0o600 });
    expect(sshKeygenPublic(file)).toBe(publicKey);
  });

  it('exports a PuTTY .ppk that puttygen verifies (MAC) and converts back to the same key', () => {
    const ppk = path.join(dir, `id_${type}.ppk`);
    const converted = path.join(dir, `id_${type}_from_ppk`);
    writeFileSync(ppk, exportPrivateKey(keys.privateKeyPem, 'ppk'));
    execFileSync('puttygen', [ppk, '-O', 'private-openssh', '-o', converted]);
    expect(sshKeygenPublic(converted)).toBe(publicKey);
  });
});
