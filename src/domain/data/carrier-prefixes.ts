/**
 * Mainland mobile number segments (号段) → operator, as data (docs/design.md §5 Phones).
 *
 * Source: the MIIT numbering plan (工业和信息化部《电信网编号计划》) and its 码号资源 allocation
 * notices up to the last new segments, 190/192/196/197, issued on 2019-12-24; as in force in 2024,
 * compiled 2025. Not mobile subscriber segments: 140–144 (unallocated, or 13-digit IoT numbers),
 * 154, 161, 164, 194 (unallocated) and 17406–17409 (emergency communications).
 * Number portability (携号转网, since 2019-11) means a prefix names the operator that issued the
 * number, not always the one serving it today.
 *
 * `carrier` is who issued the segment (`mvno` for virtual operators); `network` is the host network
 * the number rides on, which is where a message must be submitted. The longest matching prefix wins.
 */
import type { Carrier } from '../carrier.js';

export interface CarrierPrefix {
  readonly prefix: string;
  readonly carrier: Carrier;
  readonly network: Exclude<Carrier, 'mvno'>;
}

export const CARRIER_PREFIXES = [
  // China Mobile 中国移动 (147 and 148 began as data-card / IoT segments; they carry voice and SMS).
  { prefix: '134', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '135', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '136', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '137', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '138', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '139', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '147', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '148', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '150', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '151', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '152', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '157', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '158', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '159', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '172', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '178', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '182', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '183', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '184', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '187', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '188', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '195', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '197', carrier: 'cmcc', network: 'cmcc' },
  { prefix: '198', carrier: 'cmcc', network: 'cmcc' },
  // China Unicom 中国联通 (145 and 146 began as data-card / IoT segments).
  { prefix: '130', carrier: 'cucc', network: 'cucc' },
  { prefix: '131', carrier: 'cucc', network: 'cucc' },
  { prefix: '132', carrier: 'cucc', network: 'cucc' },
  { prefix: '145', carrier: 'cucc', network: 'cucc' },
  { prefix: '146', carrier: 'cucc', network: 'cucc' },
  { prefix: '155', carrier: 'cucc', network: 'cucc' },
  { prefix: '156', carrier: 'cucc', network: 'cucc' },
  { prefix: '166', carrier: 'cucc', network: 'cucc' },
  { prefix: '175', carrier: 'cucc', network: 'cucc' },
  { prefix: '176', carrier: 'cucc', network: 'cucc' },
  { prefix: '185', carrier: 'cucc', network: 'cucc' },
  { prefix: '186', carrier: 'cucc', network: 'cucc' },
  { prefix: '196', carrier: 'cucc', network: 'cucc' },
  // China Telecom 中国电信; 1349 (maritime satellite, ex-China Satcom) and 17400–17405 (Tiantong satellite)
  // are Telecom satellite services carved out of other segments.
  { prefix: '133', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '1349', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '149', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '153', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '173', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17400', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17401', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17402', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17403', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17404', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '17405', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '177', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '180', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '181', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '189', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '190', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '191', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '193', carrier: 'ctcc', network: 'ctcc' },
  { prefix: '199', carrier: 'ctcc', network: 'ctcc' },
  // China Broadnet 中国广电.
  { prefix: '192', carrier: 'cbn', network: 'cbn' },
  // Virtual operators 虚拟运营商 (转售), by host network: Telecom-hosted,
  { prefix: '162', carrier: 'mvno', network: 'ctcc' },
  { prefix: '1700', carrier: 'mvno', network: 'ctcc' },
  { prefix: '1701', carrier: 'mvno', network: 'ctcc' },
  { prefix: '1702', carrier: 'mvno', network: 'ctcc' },
  // Mobile-hosted,
  { prefix: '165', carrier: 'mvno', network: 'cmcc' },
  { prefix: '1703', carrier: 'mvno', network: 'cmcc' },
  { prefix: '1705', carrier: 'mvno', network: 'cmcc' },
  { prefix: '1706', carrier: 'mvno', network: 'cmcc' },
  // Unicom-hosted: 171 is wholly an MVNO segment, not Unicom's own.
  { prefix: '167', carrier: 'mvno', network: 'cucc' },
  { prefix: '1704', carrier: 'mvno', network: 'cucc' },
  { prefix: '1707', carrier: 'mvno', network: 'cucc' },
  { prefix: '1708', carrier: 'mvno', network: 'cucc' },
  { prefix: '1709', carrier: 'mvno', network: 'cucc' },
  { prefix: '171', carrier: 'mvno', network: 'cucc' },
] as const satisfies readonly CarrierPrefix[];
