import { describe, expect, it } from 'vitest';
import {
  encodeOutput,
  encodePreferences,
  encodeTitle,
  parseClientMessage,
  parseInitMessage,
} from '../../../images/agent/src/terminal-protocol.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('ttyd init message', () => {
  it('reads columns and rows and ignores the AuthToken', () => {
    expect(parseInitMessage(bytes('{"AuthToken":"x","columns":120,"rows":40}'))).toEqual({
      columns: 120,
      rows: 40,
    });
  });

  it('refuses anything that is not a size', () => {
    expect(parseInitMessage(bytes('0ls'))).toBeUndefined();
    expect(parseInitMessage(bytes('{"columns":0,"rows":40}'))).toBeUndefined();
    expect(parseInitMessage(bytes('{"columns":"80","rows":40}'))).toBeUndefined();
    expect(parseInitMessage(bytes('null'))).toBeUndefined();
  });

  it('caps absurd sizes', () => {
    expect(parseInitMessage(bytes('{"columns":100000,"rows":2.5}'))).toBeUndefined();
    expect(parseInitMessage(bytes('{"columns":100000,"rows":30}'))).toEqual({ columns: 1000, rows: 30 });
  });
});

describe('ttyd client messages', () => {
  it('decodes input with its raw bytes', () => {
    const message = parseClientMessage(bytes('0echo ü\r'));
    expect(message?.type).toBe('input');
    expect(message?.type === 'input' && message.data.toString('utf8')).toBe('echo ü\r');
  });

  it('decodes resize, pause and resume', () => {
    expect(parseClientMessage(bytes('1{"columns":90,"rows":20}'))).toEqual({
      type: 'resize',
      columns: 90,
      rows: 20,
    });
    expect(parseClientMessage(bytes('2'))).toEqual({ type: 'pause' });
    expect(parseClientMessage(bytes('3'))).toEqual({ type: 'resume' });
  });

  it('drops unknown commands, empty frames and bad resizes', () => {
    expect(parseClientMessage(bytes('9whatever'))).toBeUndefined();
    expect(parseClientMessage(Buffer.alloc(0))).toBeUndefined();
    expect(parseClientMessage(bytes('1{"columns":90}'))).toBeUndefined();
    expect(parseClientMessage(bytes('1not json'))).toBeUndefined();
  });
});

describe('ttyd server messages', () => {
  it('prefixes output, title and preferences with their command', () => {
    expect(encodeOutput('berth-42\r\n').toString('utf8')).toBe('0berth-42\r\n');
    expect(encodeOutput(Buffer.from([0xe2, 0x82, 0xac]))).toEqual(Buffer.from([0x30, 0xe2, 0x82, 0xac]));
    expect(encodeTitle('alice · s-test').toString('utf8')).toBe('1alice · s-test');
    expect(encodePreferences({ fontSize: 14 }).toString('utf8')).toBe('2{"fontSize":14}');
  });
});
