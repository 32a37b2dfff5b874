/**
 * The Send page's recipients: numbers pasted (commas, spaces or new lines between them) or an .xlsx
 * / .csv file read as base64, with the example workbook to download.
 */
import { Input, Space, Tabs, Typography, Upload } from 'antd';
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { fileToBase64 } from '../../api.js';
import { fill, useTexts } from '../../i18n.js';
import { RECIPIENTS_TEXTS } from './texts.js';

export type RecipientMode = 'paste' | 'file';

export interface BatchUpload {
  name: string;
  data: string;
}

export function SendRecipients(props: {
  mode: RecipientMode;
  onMode: (mode: RecipientMode) => void;
  mobiles: string;
  onMobiles: (text: string) => void;
  file: BatchUpload | null;
  onFile: (file: BatchUpload) => void;
}) {
  const t = useTexts(RECIPIENTS_TEXTS);
  const items = [
    {
      key: 'paste',
      label: t.paste,
      children: (
        <Input.TextArea
          aria-label={t.recipients}
          rows={6}
          value={props.mobiles}
          placeholder={t.pastePlaceholder}
          onChange={(e) => props.onMobiles(e.target.value)}
        />
      ),
    },
    {
      key: 'file',
      label: t.upload,
      children: (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Upload.Dragger
            accept=".xlsx,.csv"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(f) => {
              void fileToBase64(f).then((data) => props.onFile({ name: f.name, data }));
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t.dragger}</p>
            <p className="ant-upload-hint">{t.draggerHint}</p>
          </Upload.Dragger>
          <Space>
            <a href="/console/api/send/example.xlsx" download>
              <DownloadOutlined /> {t.example}
            </a>
            {props.file && (
              <Typography.Text type="success" data-testid="file-chosen">
                {fill(t.fileChosen, { name: props.file.name })}
              </Typography.Text>
            )}
          </Space>
        </Space>
      ),
    },
  ];
  return (
    <Tabs
      type="card"
      activeKey={props.mode}
      onChange={(k) => props.onMode(k as RecipientMode)}
      items={items}
    />
  );
}
