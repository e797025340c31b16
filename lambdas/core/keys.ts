/**
 * Per-session SSH keypairs. Node's crypto generates them (no ssh-keygen in a Lambda); sshpk turns
 * them into OpenSSH text. PuTTY's .ppk has no maintained npm library, so ppk.ts writes it.
 */
import { generateKeyPairSync } from 'node:crypto';
import sshpk from 'sshpk';
import type { SshKeyType } from './model.ts';
import { toPpk } from './ppk.ts';

export const SESSION_KEY_COMMENT = 'berth-session';

export interface SessionKeypair {
  /** PKCS#8 PEM, the stored form */
  privateKeyPem: string;
  /** one OpenSSH authorized_keys line */
  publicKey: string;
}

export function generateSessionKeypair(type: SshKeyType): SessionKeypair {
  const { privateKey } =
    type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = sshpk.parsePrivateKey(privateKeyPem, 'pkcs8');
  key.comment = SESSION_KEY_COMMENT;
  const publicKey = key.toPublic().toString('ssh');
  return { privateKeyPem, publicKey };
}

export type KeyFormat = 'openssh' | 'ppk';

export function exportPrivateKey(
  privateKeyPem: string,
  format: KeyFormat,
  comment = SESSION_KEY_COMMENT,
): string {
  const key = sshpk.parsePrivateKey(privateKeyPem, 'pkcs8');
  key.comment = comment;
  return format === 'ppk' ? toPpk(key, comment) : key.toString('openssh');
}
