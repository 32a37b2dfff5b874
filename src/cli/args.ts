/** Small helpers over node:util parseArgs so every subcommand reports usage errors the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../shared/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new AppError('ERR_CLI_USAGE', `${(err as Error).message}\n用法 usage: ${usage}`);
  }
}

export function int(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new AppError('ERR_CLI_USAGE', `缺少 --${name} (missing --${name})`);
    return fallback;
  }
  if (!/^-?\d+$/.test(value))
    throw new AppError('ERR_CLI_USAGE', `--${name} 应为整数 (must be an integer): ${value}`);
  return Number(value);
}

export function need(value: string | undefined, name: string): string {
  if (value === undefined || value === '')
    throw new AppError('ERR_CLI_USAGE', `缺少 --${name} (missing --${name})`);
  return value;
}
