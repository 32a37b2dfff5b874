// PLACEHOLDER until the page lands (issue 5); must not survive to the end of the issue.
import { Result } from 'antd';

export default function AuditPage() {
  return <Result status="info" title="建设中 · under construction" />;
}
