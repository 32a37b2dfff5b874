/**
 * The CSV export of the message search: starts a job with the page's filters, shows its progress
 * (rows written of the total) in a dialog, and offers the file when it is done.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Modal, Progress, Space, Typography } from 'antd';
import { DownloadOutlined, ExportOutlined } from '@ant-design/icons';
import type { ExportJob as Job, ExportStarted } from '../../../contract/messages.js';
import { api } from '../../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../../i18n.js';

const TEXTS = defineTexts({
  zh: {
    export: '导出 CSV',
    title: '导出短信记录',
    progress: '已写入 {written} / {total} 行',
    done: '导出完成，共 {total} 行。手机号码已脱敏。',
    failed: '导出失败，请稍后重试',
    download: '下载文件',
    close: '关闭',
  },
  en: {
    export: 'Export CSV',
    title: 'Export messages',
    progress: '{written} / {total} rows written',
    done: 'Export finished: {total} rows. Numbers are masked.',
    failed: 'The export failed; try again later',
    download: 'Download',
    close: 'Close',
  },
});

const POLL_MS = 500;

export function MessagesExport({ filters }: { filters: Record<string, string | number | undefined> }) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [job, setJob] = useState<Job | null>(null);
  const [open, setOpen] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
      const res = await api.post<ExportStarted>('messages/exports', body);
      setJob({ id: res.id, state: 'running', written: 0, total: res.total, fileName: '' });
      setOpen(true);
    } catch (err) {
      setError(errorText(lang, err));
      setOpen(true);
    } finally {
      setStarting(false);
    }
  };

  useEffect(() => {
    if (!job || job.state !== 'running') return undefined;
    const timer = setTimeout(() => {
      api
        .get<Job>(`messages/exports/${job.id}`)
        .then(setJob)
        .catch((err: unknown) => setError(errorText(lang, err)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job, lang]);

  const percent =
    job && job.total > 0 ? Math.round((job.written / job.total) * 100) : job?.state === 'done' ? 100 : 0;
  return (
    <>
      <Button icon={<ExportOutlined />} loading={starting} onClick={() => void start()}>
        {t.export}
      </Button>
      <Modal
        open={open}
        title={t.title}
        onCancel={() => setOpen(false)}
        footer={[
          <Button key="close" onClick={() => setOpen(false)}>
            {t.close}
          </Button>,
          job?.state === 'done' && (
            <Button
              key="download"
              type="primary"
              icon={<DownloadOutlined />}
              href={`/console/api/messages/exports/${job.id}/download`}
              download={job.fileName}
            >
              {t.download}
            </Button>
          ),
        ]}
      >
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="export-progress">
          {error !== null && <Alert type="error" showIcon title={error} />}
          {job && (
            <>
              <Progress
                percent={percent}
                status={job.state === 'failed' ? 'exception' : job.state === 'done' ? 'success' : 'active'}
              />
              <Typography.Text>
                {job.state === 'done'
                  ? fill(t.done, { total: job.total })
                  : job.state === 'failed'
                    ? t.failed
                    : fill(t.progress, { written: job.written, total: job.total })}
              </Typography.Text>
            </>
          )}
        </Space>
      </Modal>
    </>
  );
}
