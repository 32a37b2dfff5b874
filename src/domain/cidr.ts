/**
 * IP whitelists (§8.2 e): CIDR blocks for IPv4 and IPv6. An IPv4 address seen as IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`, how a dual-stack socket reports it) matches IPv4 blocks.
 */
export interface Cidr {
  family: 4 | 6;
  bits: bigint;
  prefix: number;
  text: string;
}

function parseV4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(Number(p));
  }
  return value;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? left.length !== 8 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function parseIp(text: string): { family: 4 | 6; bits: bigint } | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { family: 4, bits: v4 };
  const v6 = parseV6(text);
  if (v6 === null) return null;
  // IPv4-mapped IPv6 is the IPv4 address.
  if (v6 >> 32n === 0xffffn) return { family: 4, bits: v6 & 0xffffffffn };
  return { family: 6, bits: v6 };
}

export function parseCidr(text: string): Cidr | null {
  const trimmed = text.trim();
  const [addr, len, extra] = trimmed.split('/');
  if (addr === undefined || extra !== undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const width = ip.family === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const prefix = len === undefined ? width : Number(len);
  if (prefix > width) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { family: ip.family, bits: ip.bits & mask, prefix, text: trimmed };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const ip = parseIp(address);
  if (ip?.family !== cidr.family) return false;
  const width = cidr.family === 4 ? 32 : 128;
  const mask = cidr.prefix === 0 ? 0n : ((1n << BigInt(cidr.prefix)) - 1n) << BigInt(width - cidr.prefix);
  return (ip.bits & mask) === cidr.bits;
}

/** Parses a comma-separated list; answers the blocks and the entries that are not CIDRs. */
export function parseCidrList(text: string): { blocks: Cidr[]; invalid: string[] } {
  const blocks: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of text.split(/[,，\s]+/).filter(Boolean)) {
    const c = parseCidr(entry);
    if (c) blocks.push(c);
    else invalid.push(entry);
  }
  return { blocks, invalid };
}
