/** What a message template is for (docs/console.md "Templates"): a verification code (验证码) or a notice (通知). */
export const TEMPLATE_KINDS = ['otp', 'notice'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
