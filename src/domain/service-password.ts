/**
 * The citizen's service password policy (§6.2.1, Table 1 `BD`/`MMCZ`; docs/design.md §5). The password
 * is typed on a phone, so: 6 to 14 digits or letters (§6.2.2 c: Arabic digits or English
 * letters); not one character repeated, not a run (123456, 654321, abcdef, 890123), not a short
 * block repeated (121212, abcabc), not one of the handful everyone tries first, and not taken from
 * the person's own SSN (its last 6 characters, the birth date) or phone number — an attacker
 * who sends `BD` from his own phone usually knows the victim's number.
 *
 * At most 14 characters: shorter than any SSN (15 or 18), so a token shaped like an SSN in a
 * command can never be a password that met this policy — what lets the command masker keep SSNs
 * and hide everything else.
 *
 * Letters keep their case: the password is stored as typed.
 */

export const SERVICE_PASSWORD_MIN_LENGTH = 6;
export const SERVICE_PASSWORD_MAX_LENGTH = 14;

export type PasswordProblem =
  'length' | 'characters' | 'repeated' | 'sequence' | 'pattern' | 'common' | 'personal';

export type PasswordVerdict = { ok: true } | { ok: false; reason: PasswordProblem; message: string };

/** Short enough to go into a reply SMS as they are. */
export const PASSWORD_PROBLEM_MESSAGES: Readonly<Record<PasswordProblem, string>> = {
  length: `密码应为${SERVICE_PASSWORD_MIN_LENGTH}至${SERVICE_PASSWORD_MAX_LENGTH}位`,
  characters: '密码只能由数字或字母组成',
  repeated: '密码不能全是同一个字符',
  sequence: '密码不能是连续的数字或字母',
  pattern: '密码不能是重复的组合',
  common: '密码过于简单常见',
  personal: '密码不能用证件号码末6位、出生日期或手机号码',
};

/**
 * Passwords common on Chinese phone keypads that the other rules let through: keypad lines and
 * columns, mirrored runs, and number puns (520 = 我爱你).
 */
const COMMON: ReadonlySet<string> = new Set([
  '112233',
  '123321',
  '147258',
  '147258369',
  '147369',
  '159357',
  '159753',
  '258369',
  '321123',
  '456789123',
  '520520',
  '5201314',
  '1314520',
  '789456',
  '789456123',
  '741852',
  '741852963',
  '963852',
  '987654321',
  '110110',
  '100200',
  'qwerty',
  'asdfgh',
  'zxcvbn',
  'qweasd',
  'password',
]);

/** Each character one after the previous (or one before, throughout); digits wrap 9→0 as on the keypad. */
function isRun(text: string): boolean {
  const lower = text.toLowerCase();
  const digits = /^\d+$/.test(lower);
  if (!digits && !/^[a-z]+$/.test(lower)) return false;
  const step = (i: number): number => {
    const d = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    return digits ? (d + 10) % 10 : d;
  };
  const first = step(1);
  if (first !== 1 && first !== (digits ? 9 : -1)) return false;
  for (let i = 2; i < lower.length; i++) if (step(i) !== first) return false;
  return true;
}

/** The whole password is a block of 2 or 3 characters repeated (121212, 123123, ababab). */
function isRepeatedBlock(text: string): boolean {
  const lower = text.toLowerCase();
  return [2, 3].some((n) => lower.length % n === 0 && lower === lower.slice(0, n).repeat(lower.length / n));
}

/** Strings taken from the person's own data that the password may not equal. */
function personalStrings(context: PasswordContext): string[] {
  const out: string[] = [];
  const ssn = context.ssn?.trim().toUpperCase() ?? '';
  if (ssn.length === 18 || ssn.length === 15) {
    const birth = ssn.length === 18 ? ssn.slice(6, 14) : `19${ssn.slice(6, 12)}`;
    out.push(ssn.slice(-6), birth, birth.slice(2));
  }
  const mobile = context.mobile?.trim() ?? '';
  if (mobile.length >= 6) out.push(mobile.slice(-6), mobile.slice(-8), mobile);
  return out;
}

export interface PasswordContext {
  /** The SSN the password protects, as stored (18 or 15 characters). */
  ssn?: string;
  /** The phone the password is set from. */
  mobile?: string;
}

/** Whether a new service password meets the policy, and if not which rule and why in Chinese. */
export function checkServicePassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  const fail = (reason: PasswordProblem): PasswordVerdict => ({
    ok: false,
    reason,
    message: PASSWORD_PROBLEM_MESSAGES[reason],
  });
  if (password.length < SERVICE_PASSWORD_MIN_LENGTH || password.length > SERVICE_PASSWORD_MAX_LENGTH)
    return fail('length');
  if (!/^[A-Za-z0-9]+$/.test(password)) return fail('characters');
  const lower = password.toLowerCase();
  if (new Set(lower).size === 1) return fail('repeated');
  if (isRun(password)) return fail('sequence');
  if (isRepeatedBlock(password)) return fail('pattern');
  if (COMMON.has(lower)) return fail('common');
  if (personalStrings(context).includes(password.toUpperCase())) return fail('personal');
  return { ok: true };
}
