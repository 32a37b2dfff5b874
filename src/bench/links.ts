/** What the benchmarks (run.ts, federation.ts) give their carrier simulators and business systems. */

/** The business-system password of every bench account. */
export const BENCH_PASSWORD = 'Bench-Passw0rd';

/** The account and secret a bench simulator expects. */
export const SIMULATOR_LOGIN = { account: '901234', secret: 'bench' } as const;

/** A gateway link to a bench simulator on loopback: every carrier, 4 connections, window 64, no TPS limit to speak of. */
export function simulatorLink(id: string, protocol: string, port: number) {
  return {
    id,
    protocol,
    host: '127.0.0.1',
    port,
    ...SIMULATOR_LOGIN,
    spNumber: '1065712333',
    carriers: ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'],
    connections: 4,
    window: 64,
    tps: 100_000,
  };
}
