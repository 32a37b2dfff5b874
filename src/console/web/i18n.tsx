/**
 * Chinese first, English on a switch. Each page keeps its own texts beside its code as
 * `{ zh: {...}, en: {...} }`; the English table must have every key of the Chinese one.
 */
import { createContext, useContext } from 'react';
import type { ConsoleRole } from '../../domain/console-roles.js';

export type Lang = 'zh' | 'en';

export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({
  lang: 'zh',
  setLang: () => undefined,
});

export function useLang(): Lang {
  return useContext(LangContext).lang;
}

export interface Texts<T extends Record<string, string>> {
  zh: T;
  en: { [K in keyof T]: string };
}

export function defineTexts<T extends Record<string, string>>(texts: Texts<T>): Texts<T> {
  return texts;
}

/** The texts of the current language. */
export function useTexts<T extends Record<string, string>>(texts: Texts<T>): { [K in keyof T]: string } {
  return useContext(LangContext).lang === 'en' ? texts.en : texts.zh;
}

/** Fills `{name}` placeholders. */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

export const ROLE_NAMES: Record<ConsoleRole, { zh: string; en: string }> = {
  'system-admin': { zh: '系统管理员', en: 'System administrator' },
  'security-admin': { zh: '安全管理员', en: 'Security administrator' },
  auditor: { zh: '审计管理员', en: 'Auditor' },
  operator: { zh: '业务操作员', en: 'Operator' },
  reviewer: { zh: '审核员', en: 'Reviewer' },
  'case-handler': { zh: '业务经办员', en: 'Case handler' },
};

/** A server error in the current language. */
export function errorText(lang: Lang, err: unknown): string {
  if (err instanceof Error && 'messageEn' in err && typeof err.messageEn === 'string')
    return lang === 'en' ? err.messageEn : err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Beijing time, as every date on the console is shown. */
export function beijingTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
