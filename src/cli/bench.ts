/** `sms12333 bench [--quick] [--dialect sqlite|postgres]`: see src/bench/run.ts. */
import { AppError } from '../shared/errors.js';
import { runBenchmarks, type BenchDialect } from '../bench/run.js';
import { parse } from './args.js';

export async function runBench(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      quick: { type: 'boolean' },
      admission: { type: 'boolean' },
      dialect: { type: 'string' },
      'pg-url': { type: 'string' },
      federation: { type: 'boolean' },
    },
    'sms12333 bench [--quick] [--admission] [--dialect sqlite|postgres] [--pg-url URL] | --federation [--quick]',
  );
  if (values.federation === true) {
    const { runFederationBench } = await import('../bench/federation.js');
    await runFederationBench({
      count: values.quick === true ? 2000 : 10_000,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return 0;
  }
  const dialects: BenchDialect[] =
    values.dialect === undefined
      ? ['sqlite', 'postgres']
      : values.dialect === 'sqlite' || values.dialect === 'postgres'
        ? [values.dialect]
        : [];
  if (dialects.length === 0) throw new AppError('ERR_CLI_USAGE', '--dialect sqlite|postgres');
  await runBenchmarks({
    dialects,
    quick: values.quick === true,
    admissionOnly: values.admission === true,
    pgUrl: values['pg-url'] ?? process.env.SMS12333_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    log: (line) => process.stdout.write(`${line}\n`),
  });
  return 0;
}
