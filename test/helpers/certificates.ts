/**
 * A throw-away certificate authority made with openssl for one test (if openssl fails, the test
 * fails): `ca.crt`, and the certificates it signs as `<name>.crt` with `<name>.key`, in a temporary
 * folder removed after the test. EC P-256 keys, valid for a day.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export interface TestCertificates {
  dir: string;
  /** The path of a file in the folder: `ca.crt`, `server.key`… */
  file: (name: string) => string;
  /** A certificate the CA signs; `altNames` as openssl's subjectAltName takes them (`IP:127.0.0.1`). */
  sign: (name: string, subject: string, altNames?: string) => void;
  /** A self-signed certificate the CA never signed. */
  selfSigned: (name: string, subject: string) => void;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function testCertificates(t: TestContext, prefix = 'sms12333-certs-'): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const selfSigned = (name: string, subject: string): void =>
    run(
      'req',
      '-x509',
      ...KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-subj',
      subject,
    );
  selfSigned('ca', '/CN=sms12333 test CA');
  return {
    dir,
    file: (name) => join(dir, name),
    selfSigned,
    sign: (name, subject, altNames) => {
      run('req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      const ext: string[] = [];
      if (altNames !== undefined) {
        writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${altNames}\n`);
        ext.push('-extfile', `${name}.ext`);
      }
      run(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.crt`,
        '-days',
        '1',
        ...ext,
      );
    },
  };
}
