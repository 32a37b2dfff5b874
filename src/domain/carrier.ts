/** The operators a mainland mobile number can belong to. */
export const CARRIERS = ['cmcc', 'cucc', 'ctcc', 'cbn', 'mvno'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const CARRIER_NAMES: Record<Carrier, { zh: string; en: string }> = {
  cmcc: { zh: '中国移动', en: 'China Mobile' },
  cucc: { zh: '中国联通', en: 'China Unicom' },
  ctcc: { zh: '中国电信', en: 'China Telecom' },
  cbn: { zh: '中国广电', en: 'China Broadnet' },
  mvno: { zh: '虚拟运营商', en: 'virtual operator' },
};
