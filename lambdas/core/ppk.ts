/**
 * PuTTY private key files, format 3, unencrypted — so Windows users can load the session key into
 * PuTTY, WinSCP or FileZilla without running PuTTYgen. Format reference: PuTTY's sshpubk.c.
 * With no encryption the MAC key is empty and HMAC-SHA-256 covers every field.
 */
import { createHmac } from 'node:crypto';
import type sshpk from 'sshpk';

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(b.length), b]);
}

/** SSH mpint: big-endian, minimal, with a leading zero byte when the top bit is set. */
function mpint(data: Buffer): Buffer {
  let i = 0;
  while (i < data.length - 1 && data[i] === 0) i++;
  let bytes = data.subarray(i);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
}

function part(key: sshpk.PrivateKey, name: string): Buffer {
  // @types/sshpk types `part` by key type, but sshpk indexes it by part name (n, e, A, k...).
  const found = (key.part as unknown as Record<string, { data: Buffer } | undefined>)[name];
  if (!found) throw new Error(`key has no part ${name}`);
  return found.data;
}

function blobs(key: sshpk.PrivateKey): { algorithm: string; publicBlob: Buffer; privateBlob: Buffer } {
  if (key.type === 'ed25519') {
    return {
      algorithm: 'ssh-ed25519',
      publicBlob: Buffer.concat([sshString('ssh-ed25519'), sshString(part(key, 'A'))]),
      // PuTTY stores the 32-byte seed as a fixed-length little-endian integer: the seed bytes as they are.
      privateBlob: sshString(part(key, 'k').subarray(0, 32)),
    };
  }
  if (key.type === 'rsa') {
    return {
      algorithm: 'ssh-rsa',
      publicBlob: Buffer.concat([sshString('ssh-rsa'), mpint(part(key, 'e')), mpint(part(key, 'n'))]),
      privateBlob: Buffer.concat([
        mpint(part(key, 'd')),
        mpint(part(key, 'p')),
        mpint(part(key, 'q')),
        mpint(part(key, 'iqmp')),
      ]),
    };
  }
  throw new Error(`unsupported key type ${key.type}`);
}

function wrap64(b64: string): string[] {
  return b64.match(/.{1,64}/g) ?? [];
}

export function toPpk(key: sshpk.PrivateKey, comment: string): string {
  const { algorithm, publicBlob, privateBlob } = blobs(key);
  const encryption = 'none';
  const mac = createHmac('sha256', Buffer.alloc(0))
    .update(
      Buffer.concat([
        sshString(algorithm),
        sshString(encryption),
        sshString(comment),
        sshString(publicBlob),
        sshString(privateBlob),
      ]),
    )
    .digest('hex');
  const publicLines = wrap64(publicBlob.toString('base64'));
  const privateLines = wrap64(privateBlob.toString('base64'));
  return [
    `PuTTY-User-Key-File-3: ${algorithm}`,
    `Encryption: ${encryption}`,
    `Comment: ${comment}`,
    `Public-Lines: ${publicLines.length}`,
    ...publicLines,
    `Private-Lines: ${privateLines.length}`,
    ...privateLines,
    `Private-MAC: ${mac}`,
    '',
  ].join('\n');
}
