/**
 * Reads the YAML file, applies `SMS12333_*` environment overrides and validates. Overrides name a
 * key path in SCREAMING_SNAKE_CASE: `SMS12333_INTERFACE_PORT=9080` sets `interface.port`,
 * `SMS12333_SENDING_MAX_SEGMENTS=5` sets `sending.maxSegments`; `SMS12333_GATEWAYS` takes the whole
 * list as YAML or JSON. Values are read as YAML scalars, so numbers and booleans keep their types.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { AppError } from '../shared/errors.js';
import { configSchema, type Config } from './schema.js';

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** Every leaf key path of the defaults, so an override can only name a real key. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isPlain(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function setPath(target: Plain, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlain(next)) node[key] = {};
    node = node[key] as Plain;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

export function applyEnvOverrides(raw: Plain, env: NodeJS.ProcessEnv): Plain {
  const defaults = configSchema.parse({});
  const paths = leafPaths(defaults).filter((p) => p[0] !== 'gateways');
  // Optional sections without defaults are overridable too.
  paths.push(
    ['interface', 'tls', 'cert'],
    ['interface', 'tls', 'key'],
    ['interface', 'tls', 'ca'],
    ['interface', 'tls', 'requireClientCert'],
  );
  const out = structuredClone(raw);
  for (const path of paths) {
    const name = `SMS12333_${path.map(snake).join('_')}`;
    const value = env[name];
    if (value !== undefined) setPath(out, path, parseYaml(value) as unknown);
  }
  if (env.SMS12333_GATEWAYS !== undefined) out.gateways = parseYaml(env.SMS12333_GATEWAYS) as unknown;
  return out;
}

export function validateConfig(raw: unknown): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    return `${key || '(root)'}: ${issue.message}`;
  });
  throw new AppError('ERR_CONFIG_INVALID', lines.join('; '));
}

export function loadConfig(options: {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  base?: Plain;
}): Config {
  const env = options.env ?? process.env;
  let raw: Plain = options.base ? structuredClone(options.base) : {};
  const file = options.file ?? env.SMS12333_CONFIG;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AppError('ERR_CONFIG_FILE', `${file}: ${(err as Error).message}`, { cause: err });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new AppError('ERR_CONFIG_INVALID', `${file}: ${(err as Error).message}`, { cause: err });
    }
    if (parsed !== null && parsed !== undefined && !isPlain(parsed))
      throw new AppError('ERR_CONFIG_INVALID', `${file}: the top level must be a mapping`);
    raw = { ...raw, ...(parsed ?? {}) };
  }
  return validateConfig(applyEnvOverrides(raw, env));
}
