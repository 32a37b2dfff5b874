/**
 * Console password policy (等保 2.0 password complexity): at least 8 characters,
 * at least three of four classes (lower case, upper case, digits, other), not containing the user
 * name (either case), and an age limit after which a change is forced.
 */
export const MIN_LENGTH = 8;
export const MIN_CLASSES = 3;

export type PasswordProblem = 'too-short' | 'too-few-classes' | 'contains-username' | 'too-long';

export function characterClasses(password: string): number {
  let n = 0;
  if (/[a-z]/.test(password)) n++;
  if (/[A-Z]/.test(password)) n++;
  if (/[0-9]/.test(password)) n++;
  if (/[^A-Za-z0-9]/.test(password)) n++;
  return n;
}

/** The problems with a proposed password, empty when it is acceptable. */
export function checkAdminPassword(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (Array.from(password).length < MIN_LENGTH) problems.push('too-short');
  // argon2 takes any length, but a megabyte password is a denial-of-service, not a secret.
  if (password.length > 256) problems.push('too-long');
  if (characterClasses(password) < MIN_CLASSES) problems.push('too-few-classes');
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase()))
    problems.push('contains-username');
  return problems;
}

export const PASSWORD_PROBLEM_TEXT: Readonly<Record<PasswordProblem, { zh: string; en: string }>> = {
  'too-short': { zh: `密码至少 ${MIN_LENGTH} 个字符`, en: `at least ${MIN_LENGTH} characters` },
  'too-long': { zh: '密码至多 256 个字符', en: 'at most 256 characters' },
  'too-few-classes': {
    zh: '密码须包含小写字母、大写字母、数字、其他符号中的至少三类',
    en: 'at least three of: lower case, upper case, digits, other characters',
  },
  'contains-username': { zh: '密码不得包含用户名', en: 'must not contain the user name' },
};

/** True when a password set at `changedAt` has outlived `maxAgeDays` (0: never expires). */
export function passwordExpired(changedAt: number, now: number, maxAgeDays: number): boolean {
  return maxAgeDays > 0 && now - changedAt >= maxAgeDays * 86_400_000;
}

const ALPHABETS = ['abcdefghijkmnpqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '#%+=@-_'];

/**
 * A generated initial password of `length` characters with every class present; `randomInt` is
 * injected (node:crypto's in production) so the domain stays pure. No look-alike characters.
 */
export function generatePassword(randomInt: (max: number) => number, length = 16): string {
  const all = ALPHABETS.join('');
  const chars = ALPHABETS.map((a) => a[randomInt(a.length)] ?? 'x');
  while (chars.length < length) chars.push(all[randomInt(all.length)] ?? 'x');
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}
