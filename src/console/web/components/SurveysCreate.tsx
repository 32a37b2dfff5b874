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
import { api } from '../api.js';
import { defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';

const TEXTS = defineTexts({
  zh: {
    title: '新建调查',
    name: '调查名称',
    namePh: '如：2026年社保服务满意度调查',
    intro: '开场白',
    introPh: '随第一题发送，如：您好，',
    thanks: '结束语',
    thanksPh: '全部答完后发送（默认：调查已完成，感谢您的参与！）',
    window: '有效期',
    windowHint: '不填则立即开始，7 天后结束；有效期外的回复会收到“调查已结束”',
    start: '开始时间',
    end: '结束时间',
    questions: '题目',
    question: '第 {n} 题',
    questionPh: '题目内容，如：您对本次业务办理是否满意？',
    digits: '数字编号',
    letters: '字母编号',
    optionPh: '选项内容',
    addOption: '添加选项',
    addQuestion: '添加题目',
    required: '必填',
    create: '创建调查',
    cancel: '取消',
    warnings: '提示',
  },
  en: {
    title: 'New survey',
    name: 'Name',
    namePh: 'e.g. 2026 social security service satisfaction',
    intro: 'Opening',
    introPh: 'Sent with the first question, e.g. 您好，',
    thanks: 'Closing',
    thanksPh: 'Sent after the last answer (default: 调查已完成，感谢您的参与！)',
    window: 'Validity',
    windowHint: 'Empty: from now for 7 days; replies outside it get “survey closed”',
    start: 'Opens',
    end: 'Closes',
    questions: 'Questions',
    question: 'Question {n}',
    questionPh: 'The question, e.g. Are you satisfied with the service?',
    digits: 'Digits',
    letters: 'Letters',
    optionPh: 'Option',
    addOption: 'Add option',
    addQuestion: 'Add question',
    required: 'Required',
    create: 'Create',
    cancel: 'Cancel',
    warnings: 'Note',
  },
});

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
  const t = useTexts(TEXTS);
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
      const r = await api.post<{ survey: { id: number; extCode: string }; warnings: string[] }>('surveys', {
        name: v.name.trim(),
        ...(v.intro !== undefined && v.intro.trim() !== '' && { intro: v.intro.trim() }),
        ...(v.thanks !== undefined && v.thanks.trim() !== '' && { thanks: v.thanks.trim() }),
        ...(opens && { opensAt: opens.format('YYYY-MM-DD HH:mm:ss') }),
        ...(closes && { closesAt: closes.format('YYYY-MM-DD HH:mm:ss') }),
        questions: v.questions.map((q) => ({
          text: q.text.trim(),
          options: q.options.map((label, i) => ({ code: code(q.numbering, i), label: label.trim() })),
        })),
      });
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
  const t = useTexts(TEXTS);
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
