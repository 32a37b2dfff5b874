/**
 * What a console send will do, worked out before anything is written: the recipients (pasted or from
 * a batch file, normalised, duplicates once, invalid ones with their line and reason), each one's
 * text with its variables filled, the segments each text takes by the route its number will take
 * (the interface's rules: signature + content, single SMS unless `islong`, at most
 * `sending.maxSegments`), and the admission requests that will carry them — one per distinct text,
 * at most `interface.maxMobiles` numbers each. The preview shows the plan; the submit admits it.
 */
import type { Carrier } from '../domain/carrier.js';
import { CARRIERS } from '../domain/carrier.js';
import { carrierOf, normalizeMobile, pastedEntries } from '../domain/phone.js';
import { fillPlaceholders, placeholdersOf } from '../domain/placeholders.js';
import { measureText, TEXT_LIMITS, type TextMeasure, type TextProfile } from '../domain/text/index.js';
import type { AdmissionRecipient } from '../store/admission.js';
import type { AppRecord } from '../store/apps.js';
import type { BatchFile } from './batch-file.js';

export type RowProblemCode = 'invalid-mobile' | 'missing-variable' | 'too-long' | 'unreadable';

export interface RowProblem {
  line: number;
  /** What the line held (the number as written), for the operator to find it. */
  value: string;
  code: RowProblemCode;
  reason: string;
  reasonEn: string;
}

export interface PlannedGroup {
  /** Content without the signature, variables filled. */
  content: string;
  measure: TextMeasure;
  recipients: AdmissionRecipient[];
}

export interface SendPlan {
  groups: PlannedGroup[];
  /** Numbers that will be admitted (each once). */
  valid: number;
  problems: RowProblem[];
  /** Repeated numbers, sent once: the line of the repeat and of the first occurrence. */
  duplicates: { line: number; mobile: string; firstLine: number }[];
  /** Numbers no gateway serves: admitted as FAILED (NOROUTE), not charged. */
  noRoute: number;
  /** Segments charged if every valid number is queued (blocked numbers are refunded at admission). */
  cost: number;
  /** The message as measured for the counter: the first recipient's, or the raw text. */
  message: TextMeasure & { limit: number; fits: boolean };
  perMessage: { minUnits: number; maxUnits: number; minSegments: number; maxSegments: number };
  variables: string[];
}

export interface PlanInput {
  app: AppRecord;
  /** Template or free text, without signature, with `{name}` variables. */
  content: string;
  /** Values for every recipient; a batch file's columns override them row by row. */
  params: Record<string, string>;
  islong: boolean;
  pasted: string | null;
  file: BatchFile | null;
}

export interface PlanSettings {
  maxSegments: number;
  profilesFor(carrier: Carrier): TextProfile[];
  /** Home province code of a number ('' unknown), which the claim routes by (pipeline/router.ts). */
  homeOf?(mobile: string): string;
}

interface Candidate {
  line: number;
  raw: string;
  values: Record<string, string>;
}

/** Entries of pasted text with the line they are on (src/domain/phone.ts `pastedEntries`). */
function pastedCandidates(text: string): Candidate[] {
  return pastedEntries(text).map((e) => ({ ...e, values: {} }));
}

function problem(line: number, value: string, code: RowProblemCode, zh: string, en: string): RowProblem {
  return { line, value, code, reason: zh, reasonEn: en };
}

export function planSend(input: PlanInput, settings: PlanSettings): SendPlan {
  const { app } = input;
  const problems: RowProblem[] = (input.file?.problems ?? []).map((p) =>
    problem(p.line, '', 'unreadable', `无法读取：${p.reason}`, `unreadable: ${p.reason}`),
  );
  const candidates: Candidate[] = [
    ...(input.pasted !== null ? pastedCandidates(input.pasted) : []),
    ...(input.file?.rows.map((r) => ({ line: r.line, raw: r.mobile, values: r.values })) ?? []),
  ];

  // The worst profile of each carrier's routes decides, as the interface charges.
  const measures = new Map<string, Map<Carrier, TextMeasure | null>>();
  const measureFor = (fullText: string, carrier: Carrier): TextMeasure | null => {
    let byCarrier = measures.get(fullText);
    if (!byCarrier) measures.set(fullText, (byCarrier = new Map<Carrier, TextMeasure | null>()));
    let m = byCarrier.get(carrier);
    if (m === undefined) {
      const profiles = settings.profilesFor(carrier);
      m =
        profiles.length === 0
          ? null
          : profiles.map((p) => measureText(fullText, p)).reduce((a, b) => (b.segments > a.segments ? b : a));
      byCarrier.set(carrier, m);
    }
    return m;
  };
  const tooLong = (m: TextMeasure): boolean =>
    (!input.islong && !m.fitsSingle) || m.segments > settings.maxSegments;

  const groups = new Map<string, PlannedGroup>();
  const seen = new Map<string, number>();
  const duplicates: SendPlan['duplicates'] = [];
  let noRoute = 0;
  let valid = 0;
  for (const c of candidates) {
    const mobile = normalizeMobile(c.raw);
    if (mobile === null) {
      problems.push(
        problem(
          c.line,
          c.raw,
          'invalid-mobile',
          c.raw === '' ? '缺少手机号码' : '不是有效的手机号码',
          c.raw === '' ? 'no mobile number' : 'not a valid mobile number',
        ),
      );
      continue;
    }
    const first = seen.get(mobile);
    if (first !== undefined) {
      duplicates.push({ line: c.line, mobile, firstLine: first });
      continue;
    }
    const filled = fillPlaceholders(input.content, { ...input.params, ...c.values });
    if (filled.missing.length > 0) {
      problems.push(
        problem(
          c.line,
          c.raw,
          'missing-variable',
          `缺少变量 ${filled.missing.join('、')} 的值`,
          `no value for ${filled.missing.join(', ')}`,
        ),
      );
      continue;
    }
    const carrier = carrierOf(mobile) ?? 'mvno';
    const m = measureFor(app.signature + filled.text, carrier);
    if (m !== null && tooLong(m)) {
      problems.push(
        problem(
          c.line,
          c.raw,
          'too-long',
          input.islong
            ? `需 ${m.segments} 条，超过最多 ${settings.maxSegments} 条`
            : `签名加内容 ${m.units} 字，超过单条 ${TEXT_LIMITS[m.coding].single} 字（可选长短信）`,
          input.islong
            ? `needs ${m.segments} segments, more than ${settings.maxSegments}`
            : `${m.units} characters with the signature, more than ${TEXT_LIMITS[m.coding].single} (allow long messages)`,
        ),
      );
      continue;
    }
    seen.set(mobile, c.line);
    valid += 1;
    if (m === null) noRoute += 1;
    let group = groups.get(filled.text);
    if (!group) {
      group = {
        content: filled.text,
        measure: m ?? worstMeasure(app.signature + filled.text, settings),
        recipients: [],
      };
      groups.set(filled.text, group);
    }
    group.recipients.push({
      mobile,
      carrier,
      segments: m?.segments ?? null,
      homeProvince: settings.homeOf?.(mobile) ?? '',
    });
  }

  const list = [...groups.values()];
  const cost = list.reduce((n, g) => n + g.recipients.reduce((k, r) => k + (r.segments ?? 0), 0), 0);
  // The counter shows the first recipient's message, or the text as typed (variables unfilled).
  const shown =
    list[0]?.measure ??
    worstMeasure(app.signature + fillPlaceholders(input.content, input.params).text, settings);
  const limit = input.islong
    ? TEXT_LIMITS[shown.coding].segment * settings.maxSegments
    : TEXT_LIMITS[shown.coding].single;
  problems.sort((a, b) => a.line - b.line);
  // Loops, not Math.min(...list): a file of 100,000 distinct texts would overflow the call stack.
  const range = { minUnits: Infinity, maxUnits: 0, minSegments: Infinity, maxSegments: 0 };
  for (const g of list.length > 0 ? list.map((x) => x.measure) : [shown]) {
    range.minUnits = Math.min(range.minUnits, g.units);
    range.maxUnits = Math.max(range.maxUnits, g.units);
    range.minSegments = Math.min(range.minSegments, g.segments);
    range.maxSegments = Math.max(range.maxSegments, g.segments);
  }
  return {
    groups: list,
    valid,
    problems,
    duplicates,
    noRoute,
    cost,
    message: { ...shown, limit, fits: !tooLong(shown) },
    perMessage: range,
    variables: placeholdersOf(input.content),
  };
}

/** The most segments any configured route takes (the counter before a number is known). */
function worstMeasure(fullText: string, settings: PlanSettings): TextMeasure {
  const profiles = [...new Set(CARRIERS.flatMap((c) => settings.profilesFor(c)))];
  return (profiles.length === 0 ? ['cn' as const] : profiles)
    .map((p) => measureText(fullText, p))
    .reduce((a, b) => (b.segments > a.segments ? b : a));
}

/** Admission requests of at most `maxMobiles` numbers each, one text per request. */
export function admissionChunks(
  plan: SendPlan,
  maxMobiles: number,
): { content: string; recipients: AdmissionRecipient[] }[] {
  const out: { content: string; recipients: AdmissionRecipient[] }[] = [];
  for (const g of plan.groups)
    for (let i = 0; i < g.recipients.length; i += maxMobiles)
      out.push({ content: g.content, recipients: g.recipients.slice(i, i + maxMobiles) });
  return out;
}
