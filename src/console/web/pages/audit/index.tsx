/**
 * The audit log (§8.1 c), for the auditor: search by time (Beijing), kind, actor, action
 * and result; each entry's detail in a drawer; a CSV export of what the filter selects; and a check
 * of the hash chain that names the first broken entry. The calls: contract/audit.ts.
 */
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Select,
  Switch,
  Space,
  Tag,
  Typography,
  message as antMessage,
  type TableColumnsType,
} from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { AuditAnswer, AuditVerdict } from '../../../contract/audit.js';
import { api, query } from '../../api.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { SearchForm } from '../../components/SearchForm.js';
import { beijingTime, errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useSession } from '../../session.js';
import { useApi } from '../../use-api.js';
import {
  ActionCell,
  AuditDrawer,
  KIND_NAMES,
  RESULT_NAMES,
  rolesText,
  targetText,
  type AuditEntryView,
  type AuditKind,
  type AuditResult,
} from './parts.js';
import { TEXTS } from './texts.js';

interface FilterValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  kind?: AuditKind;
  actor?: string;
  action?: string;
  result?: AuditResult;
  /** Successful API reads are folded away unless asked for. */
  showRoutine?: boolean;
}

/** The picker's wall-clock fields are Beijing time, as everything on the console. */
function filterQuery(v: FilterValues): Record<string, string | undefined> {
  const [from, to] = v.range ?? [null, null];
  return {
    from: from?.format('YYYY-MM-DD HH:mm:ss'),
    to: to?.format('YYYY-MM-DD HH:mm:ss'),
    kind: v.kind,
    actor: v.actor,
    action: v.action,
    result: v.result,
    routine: v.showRoutine === true ? 'show' : 'hide',
  };
}

export default function AuditPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const session = useSession();
  const [form] = Form.useForm<FilterValues>();
  const [message, messageHolder] = antMessage.useMessage();
  const [filters, setFilters] = useState<Record<string, string | undefined>>({ routine: 'hide' });
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const { data, error, loading } = useApi<AuditAnswer>(
    `audit${query({ ...filters, page: paging.page, pageSize: paging.pageSize })}`,
  );
  const [open, setOpen] = useState<AuditEntryView | null>(null);
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const [verifying, setVerifying] = useState(false);

  const verify = async () => {
    setVerifying(true);
    try {
      setVerdict(await api.post<AuditVerdict>('audit/verify'));
    } catch (err) {
      void message.error(errorText(lang, err));
    } finally {
      setVerifying(false);
    }
  };

  const columns: TableColumnsType<AuditEntryView> = [
    { title: t.seq, dataIndex: 'seq', width: 80 },
    { title: t.time, dataIndex: 'at', width: 170, render: (at: string) => beijingTime(at) },
    {
      title: t.kind,
      dataIndex: 'kind',
      width: 80,
      render: (k: AuditKind) => <Tag color={KIND_NAMES[k].color}>{KIND_NAMES[k][lang]}</Tag>,
    },
    { title: t.actor, dataIndex: 'actor', ellipsis: true },
    { title: t.role, dataIndex: 'role', ellipsis: true, render: (r: string | null) => rolesText(r, lang) },
    { title: t.source, dataIndex: 'sourceIp', width: 130, render: (ip: string | null) => ip ?? '—' },
    {
      title: t.actionCol,
      dataIndex: 'action',
      width: 240,
      ellipsis: true,
      render: (a: string) => <ActionCell action={a} />,
    },
    {
      title: t.target,
      dataIndex: 'target',
      ellipsis: true,
      render: (x: string | null, e) => targetText(e.action, x, lang),
    },
    {
      title: t.result,
      dataIndex: 'result',
      width: 80,
      render: (r: AuditResult) => <Tag color={RESULT_NAMES[r].color}>{RESULT_NAMES[r][lang]}</Tag>,
    },
    {
      title: t.detail,
      key: 'detail',
      width: 70,
      render: (_: unknown, e) => <Typography.Link onClick={() => setOpen(e)}>{t.view}</Typography.Link>,
    },
  ];

  const kindOptions = (Object.keys(KIND_NAMES) as AuditKind[]).map((k) => ({
    value: k,
    label: KIND_NAMES[k][lang],
  }));
  const resultOptions = (Object.keys(RESULT_NAMES) as AuditResult[]).map((r) => ({
    value: r,
    label: RESULT_NAMES[r][lang],
  }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {messageHolder}
      <SearchForm<FilterValues>
        form={form}
        title={t.filters}
        onSearch={(v) => {
          setFilters(filterQuery(v));
          setPaging((p) => ({ ...p, page: 1 }));
        }}
        onReset={() => {
          form.resetFields();
          setFilters({ routine: 'hide' });
          setPaging((p) => ({ ...p, page: 1 }));
        }}
      >
        <Form.Item name="range" label={t.range}>
          <DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm:ss" placeholder={[t.start, t.end]} />
        </Form.Item>
        <Form.Item name="kind" label={t.kind}>
          <Select allowClear placeholder={t.all} options={kindOptions} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="result" label={t.result}>
          <Select allowClear placeholder={t.all} options={resultOptions} style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="actor" label={t.actor}>
          <Input allowClear style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="action" label={t.action}>
          <Input allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="showRoutine" label={t.routine} valuePropName="checked">
          <Switch data-testid="audit-routine" />
        </Form.Item>
      </SearchForm>
      {error !== null && <Alert type="error" showIcon title={error} />}
      {verdict !== null && (
        <Alert
          data-testid="audit-verdict"
          type={verdict.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setVerdict(null) }}
          title={
            verdict.ok
              ? fill(t.verifyOk, {
                  count: verdict.count,
                  first: verdict.firstSeq,
                  last: verdict.lastSeq,
                  hash: verdict.lastHash === '' ? '—' : `${verdict.lastHash.slice(0, 16)}…`,
                })
              : fill(t.verifyBad, {
                  seq: verdict.seq,
                  problem: t[verdict.problem],
                  verified: verdict.verified,
                })
          }
        />
      )}
      <Card
        title={t.list}
        extra={
          <ListToolbar
            exportHref={session.can('audit.export') ? `/console/api/audit/export${query(filters)}` : null}
            action={
              <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void verify()}>
                {t.verify}
              </Button>
            }
          />
        }
      >
        <ListTable<AuditEntryView>
          rowKey="seq"
          columns={columns}
          rows={data?.entries ?? []}
          loading={loading}
          empty={t.empty}
          onRow={(e) => ({ onDoubleClick: () => setOpen(e) })}
          totalText={(n) => fill(t.total, { n })}
          paging={{
            ...paging,
            total: data?.total ?? 0,
            onChange: (page, pageSize) => setPaging({ page, pageSize }),
          }}
        />
      </Card>
      <AuditDrawer entry={open} onClose={() => setOpen(null)} />
    </Space>
  );
}
