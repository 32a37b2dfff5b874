/**
 * The 发送调查 dialog of the Surveys page: targets pasted or uploaded (.csv/.xlsx with a mobile
 * column), then the send's progress as the server works through them in batches, and what became
 * of the numbers (queued, blocked by TD or the blacklist, surveyed before, invalid).
 */
import { useEffect, useState } from 'react';
import { Alert, Descriptions, Input, Modal, Progress, Space, Tabs, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { SurveySendAnswer, SurveySendJob, SurveyTargets } from '../../../contract/surveys.js';
import { api, fileToBase64 } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { SEND_TEXTS } from './texts.js';

export function SendSurveyDialog(props: {
  survey: { id: number; name: string };
  onClose: () => void;
  onSent: () => void;
}) {
  const t = useTexts(SEND_TEXTS);
  const lang = useLang();
  const [tab, setTab] = useState<'paste' | 'upload'>('paste');
  const [mobiles, setMobiles] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<SurveySendJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { id } = props.survey;

  useEffect(() => {
    if (job?.state !== 'running') return undefined;
    const timer = setInterval(() => {
      api
        .get<SurveySendAnswer>(`surveys/${id}/send-progress`)
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
    const body: SurveyTargets | null =
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
      const started = (await api.post<SurveySendAnswer>(`surveys/${id}/send`, body)).job;
      setJob(started);
      if (started?.state !== 'running') props.onSent();
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
