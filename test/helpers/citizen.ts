/**
 * A citizen's handset against a whole platform: texts go in through the simulator's control HTTP
 * (`POST /sim/mo`) and answers are read from its inbox (`GET /sim/inbox`), as docs/design.md §4.5 says
 * the console's handset page and any outside check would. The embedded backend is filled through
 * the same import code as `sms12333 backend import`.
 */
import { importPersons, personsCsv, type PersonInput } from '../../src/backend/import-csv.js';
import type { InboxEntry } from '../../src/protocols/simulator/index.js';
import type { DialectName } from './databases.js';
import { eventually, startTestPlatform, type TestPlatform, type TestPlatformOptions } from './platform.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** Completes 17 digits with their GB 11643 check character (written here apart from the code under test). */
export function withCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return first17 + '10X98765432'.charAt(sum % 11);
}

export const SERVICE_NUMBER = '1065712333';
export const SIGNATURE = '【12333】';

export interface CitizenRig extends TestPlatform {
  controlUrl: string;
  /** Texts the platform and returns the text of the next message this phone receives, signature removed. */
  ask(mobile: string, text: string): Promise<string>;
  /** Texts 12333 and waits for `count` answers (the engine sends at most two). */
  askAll(mobile: string, text: string, count: number): Promise<string[]>;
  /** Every message this phone received, oldest first. */
  inbox(mobile: string): Promise<InboxEntry[]>;
  /** Waits for the phone's `count`-th message (1-based) and returns its text without the signature. */
  nth(mobile: string, count: number): Promise<string>;
}

export async function startCitizenRig(
  dialect: DialectName,
  persons: readonly PersonInput[],
  options: TestPlatformOptions = {},
): Promise<CitizenRig> {
  const rig = await startTestPlatform(dialect, {
    ...options,
    simulator: { controlPort: 0, ...options.simulator },
  });
  try {
    if (persons.length > 0) {
      const summary = await importPersons(
        rig.platform.handle,
        rig.platform.citizens.cipher,
        personsCsv(persons),
      );
      if (!summary.imported) throw new Error(`import failed: ${JSON.stringify(summary.invalid)}`);
    }
  } catch (err) {
    await rig.close();
    throw err;
  }
  const controlUrl = `http://127.0.0.1:${rig.sim.controlPort ?? 0}`;
  const inbox = async (mobile: string): Promise<InboxEntry[]> => {
    const res = await fetch(`${controlUrl}/sim/inbox?mobile=${mobile}`);
    return ((await res.json()) as { messages: InboxEntry[] }).messages;
  };
  const strip = (text: string): string => (text.startsWith(SIGNATURE) ? text.slice(SIGNATURE.length) : text);
  const nth = async (mobile: string, count: number): Promise<string> => {
    const messages = await eventually(
      async () => {
        const all = await inbox(mobile);
        return all.length >= count ? all : undefined;
      },
      20_000,
      `message ${count} at ${mobile}`,
    );
    return strip(messages[count - 1]?.text ?? '');
  };
  const askAll = async (mobile: string, text: string, count: number): Promise<string[]> => {
    const before = (await inbox(mobile)).length;
    const res = await fetch(`${controlUrl}/sim/mo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: mobile, to: SERVICE_NUMBER, text }),
    });
    if (!res.ok) throw new Error(`/sim/mo answered ${res.status}: ${await res.text()}`);
    await nth(mobile, before + count);
    return (await inbox(mobile)).slice(before, before + count).map((m) => strip(m.text));
  };
  return {
    ...rig,
    controlUrl,
    inbox,
    nth,
    askAll,
    ask: async (mobile, text) => (await askAll(mobile, text, 1))[0] ?? '',
  };
}

export function person(
  ssn: string,
  name: string,
  servicePassword: string,
  fields: Partial<Omit<PersonInput, 'ssn' | 'name' | 'servicePassword'>> = {},
): PersonInput {
  return {
    ssn,
    name,
    servicePassword,
    insurances: [],
    pensionBalanceCents: null,
    pensionAsOf: null,
    extra: {},
    ...fields,
  };
}
