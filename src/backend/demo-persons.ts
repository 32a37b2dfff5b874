/**
 * The synthetic people `--demo` loads into the embedded backend: 20 Liaoning residents with valid
 * (made-up) SSNs — two ending in X — Chinese names (张伟 and 张秀英 share a surname, 阿依古丽·买买提 has
 * a middle dot), varied insurances and pension balances, one without a pension account. Each has
 * a six-digit service password for trying BD#SSN#password. Nothing here is a real person.
 */
import {
  existingBackendPersons,
  insertMissingBackendPersons,
  type BackendPersonWrite,
} from '../store/backend-persons.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import { assertDataKeyMatches } from './embedded.js';
import { encodePerson, personsCsv, type PersonInput } from './import-csv.js';

const EMPLOYEE_PENSION = '企业职工基本养老保险';
const RESIDENT_PENSION = '城乡居民基本养老保险';
const CIVIL_PENSION = '机关事业单位养老保险';
const MEDICAL = '基本医疗保险';
const UNEMPLOYMENT = '失业保险';
const INJURY = '工伤保险';
const MATERNITY = '生育保险';
const ACTIVE = '正常参保';
const PAUSED = '暂停参保';
const ENDED = '终止参保';

type Row = [
  ssn: string,
  name: string,
  password: string,
  insurances: [string, string][],
  cents: number | null,
  asOf: string | null,
  city: string,
];

const P = EMPLOYEE_PENSION;
// prettier-ignore
const ROWS: Row[] = [
  ['210102196503120106', '张伟', '135790', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE], [INJURY, ACTIVE]], 8_654_321, '2024-05', '沈阳市'],
  ['210102197208050103', '张秀英', '246802', [[P, ACTIVE], [MEDICAL, ACTIVE], [MATERNITY, ACTIVE]], 5_230_050, '2024-05', '沈阳市'],
  ['210202195801170102', '王芳', '112233', [[P, ENDED], [MEDICAL, ACTIVE]], 15_678_900, '2024-04', '大连市'],
  ['210202198111230108', '李娜', '445566', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE], [INJURY, ACTIVE], [MATERNITY, ACTIVE]], 3_456_712, '2024-05', '大连市'],
  ['210302196904300109', '刘洋', '778899', [[P, PAUSED], [MEDICAL, PAUSED]], 2_987_605, '2023-12', '鞍山市'],
  ['210402197506210108', '陈静', '102938', [[CIVIL_PENSION, ACTIVE], [MEDICAL, ACTIVE]], 6_120_000, '2024-05', '抚顺市'],
  ['210105198802090101', '杨磊', '564738', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE]], 1_234_567, '2024-05', '沈阳市'],
  ['210211196207140104', '赵敏', '918273', [[P, ACTIVE], [MEDICAL, ACTIVE]], 9_900_001, '2024-05', '大连市'],
  ['210602195509180102', '黄海涛', '650412', [[RESIDENT_PENSION, ACTIVE], [MEDICAL, ACTIVE]], 1_850_075, '2024-03', '丹东市'],
  ['210702197903020101', '周丽', '373737', [[P, ACTIVE], [MEDICAL, ACTIVE], [INJURY, ACTIVE]], 4_402_310, '2024-05', '锦州市'],
  ['210802198305260105', '吴强', '828282', [[P, ACTIVE], [UNEMPLOYMENT, PAUSED]], 2_600_099, '2024-05', '营口市'],
  ['210106196001010105', '徐明', '190190', [[P, ENDED], [MEDICAL, ACTIVE]], 20_345_678, '2024-01', '沈阳市'],
  ['210212196708100107', '孙悦', '606060', [[MEDICAL, ACTIVE]], null, null, '大连市'],
  ['210902198501150101', '马晓东', '451278', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE], [INJURY, ACTIVE]], 3_050_000, '2024-05', '阜新市'],
  ['21100219590627010X', '朱婷婷', '271828', [[RESIDENT_PENSION, ACTIVE]], 987_654, '2024-02', '辽阳市'],
  ['211102199109030107', '胡建国', '314159', [[P, ACTIVE], [MEDICAL, ACTIVE], [MATERNITY, ACTIVE]], 765_432, '2024-05', '盘锦市'],
  ['211202197310120100', '郭丹', '161803', [[CIVIL_PENSION, ACTIVE], [MEDICAL, ACTIVE], [INJURY, ACTIVE]], 7_777_777, '2024-05', '铁岭市'],
  ['21130219570228010X', '何雪', '141421', [[P, ENDED], [MEDICAL, ACTIVE]], 12_000_000, '2024-05', '朝阳市'],
  ['211402199307190108', '阿依古丽·买买提', '223344', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE]], 456_789, '2024-05', '葫芦岛市'],
  ['210102198612010108', '林小红', '998877', [[P, ACTIVE], [MEDICAL, ACTIVE], [UNEMPLOYMENT, ACTIVE], [MATERNITY, ACTIVE]], 2_222_250, '2024-05', '沈阳市'],
];

export const DEMO_PERSONS: readonly (PersonInput & { servicePassword: string })[] = ROWS.map(
  ([ssn, name, servicePassword, insurances, cents, asOf, city]) => ({
    ssn,
    name,
    servicePassword,
    insurances: insurances.map(([type, status]) => ({ type, status })),
    pensionBalanceCents: cents,
    pensionAsOf: asOf,
    extra: { city },
  }),
);

/** The same people as a persons.csv (with an extra `city` column), e.g. to try `backend import`. */
export function demoPersonsCsv(): string {
  return personsCsv(DEMO_PERSONS);
}

/**
 * Adds the demo people missing from the table and leaves the others alone, so a password a demo
 * citizen changed by MMCZ survives a restart. Returns how many were added.
 */
export async function loadDemoPersons(handle: DatabaseHandle, cipher: PersonalDataCipher): Promise<number> {
  await assertDataKeyMatches(handle, cipher);
  const known = await existingBackendPersons(
    handle.db,
    DEMO_PERSONS.map((p) => cipher.lookupHash(p.ssn)),
  );
  const missing = DEMO_PERSONS.filter((p) => !known.has(cipher.lookupHash(p.ssn)));
  if (missing.length === 0) return 0;
  const now = Date.now();
  const rows = await Promise.all(missing.map((p) => encodePerson(cipher, p, now)));
  // Every demo person has a password, so every row has a hash.
  return insertMissingBackendPersons(
    handle.db,
    rows.filter((r): r is BackendPersonWrite & { passwordHash: string } => r.passwordHash !== null),
  );
}
