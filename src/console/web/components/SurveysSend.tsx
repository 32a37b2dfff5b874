/**
 * The 发送调查 dialog of the Surveys page: targets pasted or uploaded (.csv/.xlsx with a mobile
 * column), then the send's progress as the server works through them in batches, and what became
 * of the numbers (queued, blocked by TD or the blacklist, surveyed before, invalid).
 */
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Input, Modal, Progress, Space, Tabs, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { api, fileToBase64 } from '../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '发送调查：{name}',
    paste: '粘贴号码',
    upload: '上传文件',
    pastePh: '每行一个手机号码，或用逗号分隔',
    uploadHint: '点击或拖入 .csv / .xlsx 文件',
    uploadSub: '第一行为表头，须有 mobile（手机号码）列',
    chosen: '已选择：{name}',
    send: '发送',
    close: '关闭',
    cancel: '取消',
    sending: '正在发送…',
    done: '发送完成',
    failed: '发送失败',
    progress: '已处理 {done} / {total}',
    queued: '已排队发送',
    blocked: '未发送（退订/黑名单）',
    already: '此前已发送',
    invalid: '无效号码',
    note: '第一题随开场白发送到每个号码；同一号码不会重复发送。市民回复的短信将自动计入结果。',
    none: '请粘贴号码或上传文件',
  },
  en: {
    title: 'Send survey: {name}',
    paste: 'Paste numbers',
    upload: 'Upload file',
    pastePh: 'One mobile number a line, or separated by commas',
    uploadHint: 'Click or drop a .csv / .xlsx file',
    uploadSub: 'The first row names the columns; a mobile column is required',
    chosen: 'Chosen: {name}',
    send: 'Send',
    close: 'Close',
    cancel: 'Cancel',
    sending: 'Sending…',
    done: 'Sent',
    failed: 'Send failed',
    progress: '{done} / {total} processed',
    queued: 'Queued',
    blocked: 'Not sent (TD / blacklist)',
    already: 'Surveyed before',
    invalid: 'Invalid numbers',
    note: 'The first question goes to each number with the opening; a number never gets it twice. Replies are counted automatically.',
    none: 'Paste numbers or upload a file',
  },
});

interface Job {
  state: 'running' | 'done' | 'failed';
  progress: { done: number; total: number; queued: number; blocked: number };
  summary: {
    queued: number;
    blocked: number;
    already: number;
    invalid: string[];
    invalidCount: number;
  } | null;
  error: string | null;
}

export function SendSurveyDialog(props: {
  survey: { id: number; name: string };
  onClose: () => void;
  onSent: () => void;
}) {
  const t = useTexts(TEXTS);
  const lang = useLang();
  const [tab, setTab] = useState<'paste' | 'upload'>('paste');
  const [mobiles, setMobiles] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { id } = props.survey;

  useEffect(() => {
    if (job?.state !== 'running') return undefined;
    const timer = setInterval(() => {
      api
        .get<{ job: Job | null }>(`surveys/${id}/send-progress`)
        .then((r) => {
          if (r.job) setJob(r.job);
          if (r.job && r.job.state !== 'running') props.onSent();
        })
        .catch((err: unknown) => setError(errorText(lang, err)));
    }, 500);
    return () => clearInterval(timer);
  }, [job?.state, id, lang, props]);

  const start = async () => {
    setError(null);
    const body =
      tab === 'paste'
        ? { mobiles }
        : file
          ? { file: { name: file.name, content: await fileToBase64(file) } }
          : null;
    if (body === null || (tab === 'paste' && mobiles.trim() === '')) {
      setError(t.none);
      return;
    }
    setStarting(true);
    try {
      const started = (await api.post<{ job: Job }>(`surveys/${id}/send`, body)).job;
      setJob(started);
      if (started.state !== 'running') props.onSent();
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setStarting(false);
    }
  };

  const percent =
    job && job.progress.total > 0 ? Math.floor((job.progress.done / job.progress.total) * 100) : 0;
  return (
    <Modal
      open
      width={620}
      title={fill(t.title, { name: props.survey.name })}
      okText={job ? t.close : t.send}
      cancelText={t.cancel}
      cancelButtonProps={{ style: job ? { display: 'none' } : {} }}
      confirmLoading={starting || job?.state === 'running'}
      onOk={() => (job ? props.onClose() : void start())}
      onCancel={props.onClose}
    >
      {job === null ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary">{t.note}</Typography.Paragraph>
          <Tabs
            activeKey={tab}
            onChange={(k) => setTab(k as 'paste' | 'upload')}
            items={[
              {
                key: 'paste',
                label: t.paste,
                children: (
                  <Input.TextArea
                    rows={6}
                    value={mobiles}
                    onChange={(e) => setMobiles(e.target.value)}
                    placeholder={t.pastePh}
                    aria-label={t.paste}
                    data-testid="survey-mobiles"
                  />
                ),
              },
              {
                key: 'upload',
                label: t.upload,
                children: (
                  <Upload.Dragger
                    accept=".csv,.xlsx"
                    maxCount={1}
                    showUploadList={false}
                    beforeUpload={(f) => {
                      setFile(f);
                      return false;
                    }}
                  >
                    <p className="ant-upload-drag-icon">
                      <InboxOutlined />
                    </p>
                    <p className="ant-upload-text">
                      {file ? fill(t.chosen, { name: file.name }) : t.uploadHint}
                    </p>
                    <p className="ant-upload-hint">{t.uploadSub}</p>
                  </Upload.Dragger>
                ),
              },
            ]}
          />
        </Space>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="survey-send-progress">
          <Typography.Text strong>
            {job.state === 'running' ? t.sending : job.state === 'done' ? t.done : t.failed}
          </Typography.Text>
          <Progress
            percent={percent}
            status={job.state === 'failed' ? 'exception' : job.state === 'done' ? 'success' : 'active'}
          />
          <Typography.Text type="secondary">
            {fill(t.progress, { done: job.progress.done, total: job.progress.total })}
          </Typography.Text>
          {job.summary && (
            <Descriptions bordered size="small" column={2} data-testid="survey-send-summary">
              <Descriptions.Item label={t.queued}>{job.summary.queued}</Descriptions.Item>
              <Descriptions.Item label={t.blocked}>{job.summary.blocked}</Descriptions.Item>
              <Descriptions.Item label={t.already}>{job.summary.already}</Descriptions.Item>
              <Descriptions.Item label={t.invalid}>
                {job.summary.invalidCount}
                {job.summary.invalid.length > 0 && (
                  <Typography.Text type="secondary">
                    {' '}
                    （{job.summary.invalid.slice(0, 5).join('、')}）
                  </Typography.Text>
                )}
              </Descriptions.Item>
            </Descriptions>
          )}
          {job.error !== null && <Alert type="error" showIcon title={job.error} />}
        </Space>
      )}
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
    </Modal>
  );
}
