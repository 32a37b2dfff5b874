/**
 * Business-system accounts: the system administrator's page. Create, edit, top up,
 * freeze/unfreeze/disable and reset the access password; a new password is shown once. The table's
 * columns and row actions are in columns.tsx, each dialog in its own file beside this one.
 */
import { useMemo, useState } from 'react';
import { Alert, Button, Card, message as antMessage, Space, Statistic } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { AppsAnswer, AppStatus, AppView, PasswordAnswer } from '../../../contract/apps.js';
import { api } from '../../api.js';
import { ListTable, ListToolbar } from '../../components/ListPage.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { useApi } from '../../use-api.js';
import { AppDialog } from './AppDialog.js';
import { useAppColumns } from './columns.js';
import { TEXTS } from './texts.js';
import { AppPasswordDialog, TopUpDialog } from './TopUpDialog.js';

export default function AppsPage() {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [message, messageHolder] = antMessage.useMessage();
  const { data, error, loading, reload } = useApi<AppsAnswer>('apps');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<{ app: AppView | null } | null>(null);
  const [toppingUp, setToppingUp] = useState<AppView | null>(null);
  const [password, setPassword] = useState<{ name: string; password: string } | null>(null);

  const setStatus = async (app: AppView, status: AppStatus, what: string) => {
    try {
      await api.post(`apps/${app.id}/status`, { status });
      void message.success(fill(t.statusDone, { name: app.name, what }));
    } catch (err) {
      void message.error(errorText(lang, err));
    }
    await reload();
  };
  const resetPassword = async (app: AppView) => {
    try {
      const answer = await api.post<PasswordAnswer>(`apps/${app.id}/reset-password`, {});
      setPassword({ name: app.name, password: answer.password });
    } catch (err) {
      void message.error(errorText(lang, err));
    }
  };

  const columns = useAppColumns({
    edit: (app) => setEditing({ app }),
    topUp: setToppingUp,
    setStatus: (app, status, what) => void setStatus(app, status, what),
    resetPassword: (app) => void resetPassword(app),
  });

  const apps = useMemo(() => data?.apps ?? [], [data]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return apps.filter((a) => a.name.toLowerCase().includes(f) || a.signature.includes(filter.trim()));
  }, [apps, filter]);

  const sums = {
    accounts: apps.length,
    active: apps.filter((a) => a.status === 'active').length,
    frozen: apps.filter((a) => a.status !== 'active').length,
    today: apps.reduce((n, a) => n + a.todayMessages, 0),
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {messageHolder}
      {error !== null && <Alert type="error" showIcon title={error} />}
      <Card>
        <Space size={48} wrap>
          <Statistic title={t.sumAccounts} value={sums.accounts} />
          <Statistic title={t.sumActive} value={sums.active} styles={{ content: { color: '#389e0d' } }} />
          <Statistic title={t.sumFrozen} value={sums.frozen} styles={{ content: { color: '#d48806' } }} />
          <Statistic title={t.sumToday} value={sums.today} />
        </Space>
      </Card>
      <Card
        title={t.title}
        extra={
          <ListToolbar
            search={{ placeholder: t.search, onChange: setFilter, width: 240 }}
            onRefresh={() => void reload()}
            action={
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ app: null })}>
                {t.add}
              </Button>
            }
          />
        }
      >
        <ListTable<AppView>
          rowKey="id"
          loading={loading}
          columns={columns}
          rows={shown}
          empty={t.empty}
          totalText={(n) => fill(t.total, { n })}
        />
      </Card>
      <AppDialog
        open={editing !== null}
        app={editing?.app ?? null}
        surveyPrefix={data?.surveyExtPrefix ?? '9'}
        onClose={() => setEditing(null)}
        onDone={(name, pw) => {
          setEditing(null);
          if (pw !== null) {
            setPassword({ name, password: pw });
            void message.success(fill(t.created, { name }));
          } else void message.success(fill(t.saved, { name }));
          void reload();
        }}
      />
      <TopUpDialog
        app={toppingUp}
        onClose={() => setToppingUp(null)}
        onDone={(balance) => {
          setToppingUp(null);
          void message.success(fill(t.toppedUp, { n: balance.toLocaleString() }));
          void reload();
        }}
      />
      <AppPasswordDialog shown={password} onClose={() => setPassword(null)} />
    </Space>
  );
}
