import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BUILTIN_CODES,
  BUILTIN_COMMANDS,
  maskCommandText,
  normaliseCommandText,
  parseCommand,
  toHalfWidth,
  type ExtensionDefinition,
} from '../../src/domain/commands/index.js';

const EXTENSIONS: ExtensionDefinition[] = [
  { code: 'KT', params: [] },
  { code: 'jfxx', params: ['year', '?name'] },
  { code: 'TD', params: ['x'] }, // a province cannot take over a built-in code
];
const parse = (text: string) => parseCommand(text, EXTENSIONS);
/** ASCII → full width as a Chinese input method types it; space → ideographic space. */
const wide = (text: string): string =>
  Array.from(text)
    .map((c) =>
      c === ' ' ? '\u3000' : c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c,
    )
    .join('');
const SSN = '210102199001011237'; // valid check character
const SSN_X = '21010219800101123X'; // shape only: its check character is wrong

test('half width: full-width ASCII, ideographic and other spaces, invisible characters', () => {
  assert.equal(toHalfWidth('ＢＤ＃１２３ａｂｃ！～'), 'BD#123abc!~');
  assert.equal(toHalfWidth('a\u3000b\u00a0c\u2002d\te'), 'a b c d e');
  assert.equal(toHalfWidth('B\u200bD\ufeff#\u200d1'), 'BD#1');
  assert.equal(toHalfWidth('BD\ufe5f1'), 'BD#1');
  assert.equal(toHalfWidth('张三·李'), '张三·李', 'CJK and the name dot are left alone');
});

test('normalising: trim, width, spaces around #, repeated and trailing #, code upper-cased', () => {
  assert.equal(normaliseCommandText('  ｂｄ ＃ 2101＃ Ab12 ＃＃ '), 'BD#2101#Ab12');
  assert.equal(normaliseCommandText('cbxx\u3000#\u3000张三'), 'CBXX#张三');
  assert.equal(normaliseCommandText('bd##2101###Ab12##'), 'BD#2101#Ab12');
  assert.equal(normaliseCommandText('#td#'), 'TD');
  assert.equal(normaliseCommandText('bd  2101   Ab12'), 'BD 2101 Ab12');
  assert.equal(normaliseCommandText('cbxx#John   Smith'), 'CBXX#John Smith', 'a name keeps its case');
  assert.equal(normaliseCommandText('#'), '');
  assert.equal(normaliseCommandText(' ＃ ＃ '), '');
});

test('Table 1 is complete and every usage starts with its code and #', () => {
  assert.deepEqual([...BUILTIN_CODES].sort(), ['BD', 'CBXX', 'LSGS', 'MMCZ', 'QXBD', 'QXFW', 'TD', 'YLZHYE']);
  for (const code of BUILTIN_CODES) assert.ok(BUILTIN_COMMANDS[code].usage.startsWith(`${code}#`), code);
});

test('TD and QXFW, with or without #, any case and width', () => {
  for (const text of ['TD#', 'TD', 'td', 'Td #', 'ＴＤ＃', 'ｔｄ', ' td ## ', '#TD#'])
    assert.deepEqual(parse(text), { kind: 'TD' }, text);
  for (const text of ['QXFW#', 'qxfw', 'ＱＸＦＷ＃＃']) assert.deepEqual(parse(text), { kind: 'QXFW' }, text);
});

test('BD in every spelling', () => {
  const bd = { kind: 'BD', ssn: SSN, password: '802613' };
  for (const text of [
    `BD#${SSN}#802613`,
    `bd#${SSN}#802613#`,
    `BD # ${SSN} # 802613 ##`,
    wide(`bd#${SSN}#802613`),
    `BD ${SSN} 802613`,
    `BD#${SSN} 802613`,
    `BD${SSN}#802613`,
    `BD#2101 0219 9001 011237#802613`,
    `BD\u3000${SSN}\u3000802613`,
  ])
    assert.deepEqual(parse(text), bd, text);
  assert.deepEqual(parse('ｂｄ＃２１０１０２１９８００１０１１２３ｘ＃Ａｂ３９２７'), {
    kind: 'BD',
    ssn: '21010219800101123x',
    password: 'Ab3927',
  });
});

test('QXBD with and without a number', () => {
  assert.deepEqual(parse(`QXBD#${SSN}`), { kind: 'QXBD', ssn: SSN });
  assert.deepEqual(parse(`qxbd ${SSN_X}`), { kind: 'QXBD', ssn: SSN_X });
  assert.deepEqual(parse(`QXBD#2101 0219 9001 011237`), { kind: 'QXBD', ssn: SSN });
  for (const text of ['QXBD#', 'QXBD', 'qxbd ＃'])
    assert.deepEqual(parse(text), { kind: 'QXBD', ssn: null }, text);
});

test('MMCZ', () => {
  const mmcz = { kind: 'MMCZ', oldPassword: '111111', newPassword: 'Ab3927' };
  for (const text of [
    'MMCZ#111111#Ab3927',
    'mmcz 111111 Ab3927',
    wide('mmcz#111111#Ab3927#'),
    'MMCZ111111#Ab3927',
  ])
    assert.deepEqual(parse(text), mmcz, text);
});

test('CBXX, YLZHYE, LSGS: a name, or none for oneself', () => {
  for (const code of ['CBXX', 'YLZHYE', 'LSGS'] as const) {
    assert.deepEqual(parse(`${code}#张三丰`), { kind: code, name: '张三丰' });
    assert.deepEqual(parse(`${code.toLowerCase()}＃张三丰＃`), { kind: code, name: '张三丰' });
    assert.deepEqual(parse(`${code} 张三丰`), { kind: code, name: '张三丰' });
    assert.deepEqual(parse(`${code}张三丰`), { kind: code, name: '张三丰' });
    assert.deepEqual(parse(`${code}#买买提·艾力`), { kind: code, name: '买买提·艾力' });
    assert.deepEqual(parse(`${code}#John  Smith`), { kind: code, name: 'John Smith' });
    assert.deepEqual(parse(`${code} John Smith`), { kind: code, name: 'John Smith' });
    for (const text of [`${code}#`, code, code.toLowerCase(), wide(code), `${code} ＃＃`])
      assert.deepEqual(parse(text), { kind: code, name: null }, text);
  }
});

test('wrong parameter counts are malformed, with the Table 1 form', () => {
  const malformed = (text: string, command: string, usage: string) =>
    assert.deepEqual(parse(text), { kind: 'malformed', command, usage }, text);
  malformed(`BD#${SSN}`, 'BD', 'BD#社会保障号码#密码');
  malformed('BD', 'BD', 'BD#社会保障号码#密码');
  malformed(`BD#${SSN}#802613#1`, 'BD', 'BD#社会保障号码#密码');
  malformed('mmcz#111111', 'MMCZ', 'MMCZ#原密码#新密码');
  malformed('MMCZ#1#2#3', 'MMCZ', 'MMCZ#原密码#新密码');
  malformed('TD#now', 'TD', 'TD#');
  malformed('QXFW 1', 'QXFW', 'QXFW#');
  malformed(`QXBD#${SSN}#802613`, 'QXBD', 'QXBD#社会保障号码');
  malformed('CBXX#张三#李四', 'CBXX', 'CBXX#参保人姓名');
  malformed('YLZHYE#张三#2024', 'YLZHYE', 'YLZHYE#参保人姓名');
  malformed('LSGS#张三#1', 'LSGS', 'LSGS#参保人姓名');
});

test('province extensions: parameters by name, optional ones, built-ins win', () => {
  assert.deepEqual(parse('kt#'), { kind: 'extension', code: 'KT', params: {} });
  assert.deepEqual(parse('ＫＴ'), { kind: 'extension', code: 'KT', params: {} });
  assert.deepEqual(parse('JFXX#2024'), { kind: 'extension', code: 'JFXX', params: { year: '2024' } });
  assert.deepEqual(parse('jfxx#2024#张三'), {
    kind: 'extension',
    code: 'JFXX',
    params: { year: '2024', name: '张三' },
  });
  assert.deepEqual(parse('JFXX 2024 张三'), {
    kind: 'extension',
    code: 'JFXX',
    params: { year: '2024', name: '张三' },
  });
  assert.deepEqual(parse('JFXX'), { kind: 'malformed', command: 'JFXX', usage: 'JFXX#year#name' });
  assert.deepEqual(parse('JFXX#1#2#3'), { kind: 'malformed', command: 'JFXX', usage: 'JFXX#year#name' });
  assert.deepEqual(parse('KT#x'), { kind: 'malformed', command: 'KT', usage: 'KT#' });
  assert.deepEqual(parse('TD#'), { kind: 'TD' });
  assert.deepEqual(parse('TD#x'), { kind: 'malformed', command: 'TD', usage: 'TD#' });
  assert.deepEqual(parseCommand('KT#'), { kind: 'unknown' }, 'without the configuration KT is unknown');
});

test('anything else is unknown', () => {
  for (const text of [
    '',
    '   ',
    '#',
    '你好',
    '查询养老金',
    'XYZ#1',
    '12333',
    '1',
    'A',
    'BDX#1#2',
    'CBXXJOHN',
    'QX BD#1',
  ])
    assert.deepEqual(parse(text), { kind: 'unknown' }, JSON.stringify(text));
});

test('masking: passwords hidden, SSN-shaped numbers and other commands kept', () => {
  const cases: [string, string][] = [
    [`BD#${SSN}#802613`, `BD#${SSN}#******`],
    ['BD#210102199001011234#123456', 'BD#210102199001011234#******'],
    [wide(`bd # ${SSN_X} # 802613`), `BD#${SSN_X}#******`],
    [`BD ${SSN} 802613`, `BD#${SSN}#******`],
    [`BD#${SSN} 802613`, `BD#${SSN}#******`],
    ['BD#2101 0219 9001 011237#802613', `BD#${SSN}#******`],
    ['BD#802613', 'BD#******'],
    [`BD#802613#${SSN}`, 'BD#******#******'],
    [`BD${SSN}802613`, 'BD#******'],
    [`BD#${SSN}#802613#1`, `BD#${SSN}#******#******`],
    ['MMCZ#111111#Ab3927#', 'MMCZ#******#******'],
    ['mmcz 111111 Ab3927', 'MMCZ#******#******'],
    ['MMCZ#1#2#3', 'MMCZ#******#******#******'],
    ['mmczAb3927#Xy1234', 'MMCZ#******#******'],
    [`我要BD：${SSN}：802613`, `BD#${SSN}#******`],
    [`802613，BD，${SSN}`, `BD#${SSN}`],
    [`QBD#${SSN}#802613`, `BD#${SSN}#******`],
    [`CBXX#张三 BD#${SSN}#802613`, `BD#${SSN}#******`],
    [`QXBD#${SSN}#802613`, `QXBD#${SSN}#******`],
    ['QXBD#802613', 'QXBD#******'],
    ['CBXX#张三#802613', 'CBXX#张三#******'],
    ['CBXX#802613', 'CBXX#******'],
    ['TD#802613', 'TD#******'],
    ['BD', 'BD'],
  ];
  for (const [text, masked] of cases) assert.equal(maskCommandText(text), masked, text);
  for (const text of [
    `QXBD#${SSN}`,
    'QXBD#',
    'CBXX#张三',
    'cbxx #ABDUL',
    'TD#',
    'KT#',
    '你好',
    '1',
    'A',
    'hello',
  ])
    assert.equal(maskCommandText(text), text, text);
  assert.equal(
    maskCommandText('JFXX#2024', EXTENSIONS),
    'JFXX#2024',
    'extension parameters are configured, not secret',
  );
  assert.equal(maskCommandText('JFXX#2024#张三#802613', EXTENSIONS), 'JFXX#2024#张三#******');
});

const password = fc.stringMatching(/^[0-9A-Za-z]{4,14}$/);
const withDigit = password.filter((p) => /\d/.test(p));
const separator = fc.constantFrom('#', '＃', ' # ', ' ', '##', '#＃', '\u3000', '：', '，', ' ＃ ');
const spelling = (code: string) =>
  fc.constantFrom(
    code,
    code.toLowerCase(),
    wide(code),
    wide(code.toLowerCase()),
    `${code[0] ?? ''}${code.slice(1).toLowerCase()}`,
  );
const leaks = (masked: string, secret: string, visible: string) =>
  !visible.includes(secret) && masked.toUpperCase().includes(secret.toUpperCase());

test('property: a BD or MMCZ password never survives masking, however it is typed', () => {
  fc.assert(
    fc.property(
      fc.oneof(spelling('BD'), spelling('MMCZ')),
      password,
      password,
      separator,
      separator,
      fc.boolean(),
      fc.constantFrom('', '#', '##', ' ', '我要'),
      fc.integer({ min: 0, max: 2 }),
      (code, first, second, sep1, sep2, widen, edge, glue) => {
        const isBd = toHalfWidth(code).toUpperCase() === 'BD';
        const parts = isBd ? [SSN, first] : [first, second];
        const head = glue === 0 ? code : code + sep1;
        const body = `${parts[0] ?? ''}${glue === 2 ? '' : sep2}${parts[1] ?? ''}`;
        const typed = `${edge}${head}${widen ? wide(body) : body}${edge.replace('我要', '')}`;
        const masked = maskCommandText(typed);
        // What may legitimately show: the code, the SSN, separators and the stars.
        const visible = `${isBd ? 'BD' : 'MMCZ'}#${isBd ? SSN : ''}#******`;
        for (const secret of isBd ? [first] : [first, second])
          assert.ok(!leaks(masked, secret, visible), `${typed} → ${masked}`);
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: a password added to another command is masked too', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('CBXX#张三', 'YLZHYE', 'LSGS#李四', `QXBD#${SSN}`, 'QXBD', 'TD', 'QXFW', 'CBXX'),
      withDigit,
      separator.filter((s) => s.includes('#') || s.includes('＃')),
      (command, secret, sep) => {
        const typed = `${command}${sep}${secret}`;
        const masked = maskCommandText(typed);
        assert.ok(!leaks(masked, secret, `${command}#******`), `${typed} → ${masked}`);
      },
    ),
    { numRuns: 1000 },
  );
});

test('property: parsing and masking never throw, and parse is stable under normalising', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
      const command = parse(text);
      assert.deepEqual(parse(normaliseCommandText(text)), command, text);
      assert.equal(typeof maskCommandText(text, EXTENSIONS), 'string');
    }),
    { numRuns: 2000 },
  );
});
