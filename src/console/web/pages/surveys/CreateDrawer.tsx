/**
 * The 新建调查 drawer of the Surveys page: name, opening and thanks texts, the validity window, and
 * the questions — each with 2–10 options numbered by digits (1, 2, 3…) or letters (A, B, C…), which
 * is what the citizen replies (§6.2.2). The server checks the rest (lengths, one SMS per question)
 * and says which field is wrong.
 */
import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, Segmented, Space, Typography } from 'antd';
import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import type { SurveyCreate, SurveyCreated } from '../../../contract/surveys.js';
import { api } from '../../api.js';
import { errorText, fill, useLang, useTexts } from '../../i18n.js';
import { CREATE_TEXTS } from './texts.js';

type Numbering = 'digits' | 'letters';

interface QuestionForm {
  text: string;
  numbering: Numbering;
  options: string[];
}

interface CreateForm {
  name: string;
  intro?: string;
  thanks?: string;
  window?: [Dayjs | null, Dayjs | null] | null;
  questions: QuestionForm[];
}

export interface CreatedSurvey {
  id: number;
  name: string;
  extCode: string;
  warnings: string[];
}

const code = (numbering: Numbering, i: number): string =>
  numbering === 'digits' ? String(i + 1) : String.fromCharCode(65 + i);

const EMPTY_QUESTION: QuestionForm = { text: '', numbering: 'digits', options: ['', ''] };

export function CreateSurveyDrawer(props: { onClose: () => void; onCreated: (s: CreatedSurvey) => void }) {
  const t = useTexts(CREATE_TEXTS);
  const lang = useLang();
  const [form] = Form.useForm<CreateForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const [opens, closes] = v.window ?? [null, null];
      const body: SurveyCreate = {
        name: v.name.trim(),
        ...(v.intro !== undefined && v.intro.trim() !== '' && { intro: v.intro.trim() }),
        ...(v.thanks !== undefined && v.thanks.trim() !== '' && { thanks: v.thanks.trim() }),
        ...(opens && { opensAt: opens.format('YYYY-MM-DD HH:mm:ss') }),
        ...(closes && { closesAt: closes.format('YYYY-MM-DD HH:mm:ss') }),
        questions: v.questions.map((q) => ({
          text: q.text.trim(),
          options: q.options.map((label, i) => ({ code: code(q.numbering, i), label: label.trim() })),
        })),
      };
      const r = await api.post<SurveyCreated>('surveys', body);
      props.onCreated({
        id: r.survey.id,
        name: v.name.trim(),
        extCode: r.survey.extCode,
        warnings: r.warnings,
      });
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open
      size="large"
      title={t.title}
      onClose={props.onClose}
      extra={
        <Space>
          <Button onClick={props.onClose}>{t.cancel}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => void submit()}
            data-testid="survey-create-submit"
          >
            {t.create}
          </Button>
        </Space>
      }
    >
      <Form<CreateForm>
        form={form}
        layout="vertical"
        initialValues={{ questions: [EMPTY_QUESTION] }}
        requiredMark="optional"
      >
        <Form.Item
          name="name"
          label={t.name}
          rules={[{ required: true, whitespace: true, message: t.required }]}
        >
          <Input placeholder={t.namePh} maxLength={50} showCount />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="intro" label={t.intro} style={{ flex: 1, marginRight: 12 }}>
            <Input placeholder={t.introPh} maxLength={70} />
          </Form.Item>
          <Form.Item name="thanks" label={t.thanks} style={{ flex: 1 }}>
            <Input placeholder={t.thanksPh} maxLength={60} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="window" label={t.window} extra={t.windowHint}>
          <DatePicker.RangePicker showTime format="YYYY-MM-DD HH:mm" placeholder={[t.start, t.end]} />
        </Form.Item>
        <Typography.Title level={5}>{t.questions}</Typography.Title>
        <Form.List name="questions">
          {(questions, { add, remove }) => (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              {questions.map((q, qi) => (
                <Card
                  key={q.key}
                  size="small"
                  title={fill(t.question, { n: qi + 1 })}
                  extra={
                    <Space>
                      <Form.Item name={[q.name, 'numbering']} noStyle>
                        <Segmented<Numbering>
                          size="small"
                          options={[
                            { value: 'digits', label: t.digits },
                            { value: 'letters', label: t.letters },
                          ]}
                        />
                      </Form.Item>
                      {questions.length > 1 && (
                        <Button
                          size="small"
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          onClick={() => remove(q.name)}
                          aria-label="delete"
                        />
                      )}
                    </Space>
                  }
                >
                  <Form.Item
                    name={[q.name, 'text']}
                    rules={[{ required: true, whitespace: true, message: t.required }]}
                  >
                    <Input.TextArea
                      placeholder={t.questionPh}
                      autoSize={{ minRows: 1, maxRows: 3 }}
                      maxLength={200}
                      data-testid={`question-${qi}`}
                    />
                  </Form.Item>
                  <OptionsList questionName={q.name} questionIndex={qi} />
                </Card>
              ))}
              {questions.length < 10 && (
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add(EMPTY_QUESTION)}>
                  {t.addQuestion}
                </Button>
              )}
            </Space>
          )}
        </Form.List>
      </Form>
      {error !== null && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
    </Drawer>
  );
}

function OptionsList(props: { questionName: number; questionIndex: number }) {
  const t = useTexts(CREATE_TEXTS);
  const form = Form.useFormInstance<CreateForm>();
  const numbering =
    (Form.useWatch(['questions', props.questionName, 'numbering'], form) as Numbering | undefined) ??
    'digits';
  return (
    <Form.List name={[props.questionName, 'options']}>
      {(options, { add, remove }) => (
        <Space orientation="vertical" size={6} style={{ width: '100%' }}>
          {options.map((o, oi) => (
            <Space key={o.key} align="baseline">
              <Typography.Text code style={{ display: 'inline-block', width: 32, textAlign: 'center' }}>
                {code(numbering, oi)}
              </Typography.Text>
              <Form.Item
                name={o.name}
                rules={[{ required: true, whitespace: true, message: t.required }]}
                style={{ marginBottom: 0 }}
              >
                <Input
                  placeholder={t.optionPh}
                  maxLength={20}
                  style={{ width: 280 }}
                  data-testid={`option-${props.questionIndex}-${oi}`}
                />
              </Form.Item>
              {options.length > 2 && (
                <MinusCircleOutlined style={{ color: '#8c8c8c' }} onClick={() => remove(o.name)} />
              )}
            </Space>
          ))}
          {options.length < 10 && (
            <Button
              type="link"
              size="small"
              icon={<PlusOutlined />}
              onClick={() => add('')}
              data-testid={`add-option-${props.questionIndex}`}
            >
              {t.addOption}
            </Button>
          )}
        </Space>
      )}
    </Form.List>
  );
}
