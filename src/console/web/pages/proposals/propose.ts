/**
 * What the Words and Lists pages do for an operator (`list.propose`): a change is sent as a
 * proposal the security administrator decides (docs/security.md §7), not made.
 */
import type { ProposalAdded, ProposalRequest } from '../../../contract/proposals.js';
import { api } from '../../api.js';
import { defineTexts } from '../../i18n.js';

export const propose = (body: ProposalRequest): Promise<ProposalAdded> =>
  api.post<ProposalAdded>('proposals', body);

export const PROPOSE_TEXTS = defineTexts({
  zh: {
    proposed: '已提交安全管理员审批，批准后生效',
    proposeHint:
      '敏感词和黑白名单由安全管理员维护：您的添加、修改和删除将提交审批，批准后生效（见“变更审批”）。',
  },
  en: {
    proposed: 'Sent to the security administrator; it takes effect once approved',
    proposeHint:
      'Sensitive words and lists are the security administrator’s: what you add, change or remove is proposed and takes effect once approved (see “Changes”).',
  },
});
