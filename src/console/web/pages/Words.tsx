/**
 * Sensitive words (docs/design.md §5.7; the standard's §8.2 b filter rules): each word blocks a text (拦截: the interface answers
 * code 13, the console refuses) or holds it for a reviewer (人工审核). Spaces, punctuation, case and
 * full-width forms between characters do not hide a word. A test box shows what a text would hit.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  message as antMessage,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
  type TableColumnsType,
} from 'antd';
import {
  DeleteOutlined,
  ExperimentOutlined,
  PlusOutlined,
  ReloadOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { api } from '../api.js';
import { HighlightedText, type TextHit } from '../components/HighlightedText.js';
import { beijingTime, defineTexts, errorText, fill, useLang, useTexts } from '../i18n.js';
import { useSession } from '../session.js';
import { propose, PROPOSE_TEXTS } from './proposals/propose.js';

const TEXTS = defineTexts({
  zh: {
    title: '敏感词',
    add: '添加敏感词',
    refresh: '刷新',
    search: '搜索敏感词',
    all: '全部',
    word: '敏感词',
    action: '处理方式',
    block: '拦截',
    review: '人工审核',
    blockHint: '拦截：接口返回 13（短信内容含敏感词），不发送、不计费',
    reviewHint: '人工审核：短信暂存（HELD），审核员通过后发送',
    note: '备注',
    createdBy: '添加人',
    createdAt: '添加时间',
    actions: '操作',
    remove: '删除',
    removeConfirm: '删除敏感词“{word}”？',
    removed: '已删除',
    words: '敏感词（每行一个，可一次粘贴多个）',
    importFile: '从文件导入（.txt 或 .csv，每行一个，取第一列）',
    imported: '已从 {name} 读入 {n} 个词，请选择处理方式后确定',
    wordsRequired: '请输入敏感词',
    added: '已添加 {n} 个',
    existing: '{n} 个已存在',
    invalid: '{n} 个无效（只有空格或标点）',
    changed: '处理方式已修改',
    empty: '暂无敏感词',
    total: '共 {n} 个',
    tester: '敏感词检测',
    testText: '输入一段短信内容，查看命中的敏感词',
    test: '检测',
    pass: '未命中敏感词，可以发送',
    verdictBlock: '命中拦截词：{words}',
    verdictReview: '命中审核词：{words}，发送后需人工审核',
    normalise: '检测时忽略字间的空格、标点和全角/半角、大小写差异。',
    ok: '确定',
    cancel: '取消',
  },
  en: {
    title: 'Sensitive words',
    add: 'Add words',
    refresh: 'Refresh',
    search: 'Search words',
    all: 'All',
    word: 'Word',
    action: 'Action',
    block: 'Block',
    review: 'Review',
    blockHint: 'Block: the interface answers code 13, nothing sent or charged',
    reviewHint: 'Review: the messages are held (HELD) until a reviewer approves',
    note: 'Note',
    createdBy: 'Added by',
    createdAt: 'Added',
    actions: 'Actions',
    remove: 'Remove',
    removeConfirm: 'Remove “{word}”?',
    removed: 'Removed',
    words: 'Words (one a line; paste many at once)',
    importFile: 'Import from a file (.txt or .csv, one a line, first column)',
    imported: '{n} words read from {name}; choose the action and confirm',
    wordsRequired: 'Enter a word',
    added: '{n} added',
    existing: '{n} listed already',
    invalid: '{n} invalid (spaces or punctuation only)',
    changed: 'Action changed',
    empty: 'No sensitive word',
    total: '{n} in all',
    tester: 'Try a text',
    testText: 'Type a text to see which words it hits',
    test: 'Check',
    pass: 'No listed word: it can be sent',
    verdictBlock: 'Blocked by: {words}',
    verdictReview: 'Held for review by: {words}',
    normalise: 'Spaces, punctuation, full-width forms and case between characters are ignored.',
    ok: 'OK',
    cancel: 'Cancel',
  },
});

type Action = 'block' | 'review';
interface WordRow {
  id: number;
  word: string;
  action: Action;
  note: string | null;
  createdBy: string;
  createdAt: string;
}
interface TestAnswer {
  hits: TextHit[];
  verdict: 'block' | 'review' | 'pass';
  block: string[];
  review: string[];
}

const ACTION_COLORS: Record<Action, string> = { block: 'red', review: 'orange' };

/** A word list file: one word a line, or a CSV whose first column holds them (a BOM and quotes dropped). */
function wordsFromFile(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => (line.split(/[,\t]/)[0] ?? '').replace(/^"|"$/g, '').trim())
    .filter((w) => w !== '');
}

export default function WordsPage() {
  const t = useTexts(TEXTS);
  const pt = useTexts(PROPOSE_TEXTS);
  const lang = useLang();
  // An operator proposes; the security administrator's changes take effect at once.
  const manage = useSession().can('list.manage');
  const [rows, setRows] = useState<WordRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState<'all' | Action>('all');
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ words: string; action: Action; note?: string }>();
  const [sample, setSample] = useState('');
  const [tested, setTested] = useState<{ text: string; answer: TestAnswer } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setRows((await api.get<{ words: WordRow[] }>('words')).words);
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    } finally {
      setLoading(false);
    }
  }, [lang]);
  useEffect(() => void load(), [load]);

  const shown = useMemo(
    () =>
      rows
        .filter((r) => filter === 'all' || r.action === filter)
        .filter((r) => search.trim() === '' || r.word.toLowerCase().includes(search.trim().toLowerCase()))
        .reverse(),
    [rows, filter, search],
  );
  const count = (a: Action) => rows.filter((r) => r.action === a).length;

  const add = async () => {
    const values = await form.validateFields();
    setSaving(true);
    const body = {
      words: values.words,
      action: values.action,
      ...(values.note !== undefined && values.note.trim() !== '' && { note: values.note.trim() }),
    };
    try {
      if (!manage) {
        await propose({ kind: 'word.add', ...body });
        void antMessage.success(pt.proposed);
        setAdding(false);
        form.resetFields();
        return;
      }
      const r = await api.post<{ added: string[]; existing: string[]; invalid: string[] }>('words', body);
      const parts = [fill(t.added, { n: r.added.length })];
      if (r.existing.length > 0) parts.push(fill(t.existing, { n: r.existing.length }));
      if (r.invalid.length > 0) parts.push(fill(t.invalid, { n: r.invalid.length }));
      void antMessage.success(parts.join('，'));
      setAdding(false);
      form.resetFields();
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    } finally {
      setSaving(false);
    }
  };

  const changeAction = async (row: WordRow, action: Action) => {
    try {
      if (manage) await api.put(`words/${row.id}`, { action });
      else await propose({ kind: 'word.update', wordId: row.id, action });
      void antMessage.success(manage ? t.changed : pt.proposed);
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const remove = async (row: WordRow) => {
    try {
      if (manage) await api.delete(`words/${row.id}`);
      else await propose({ kind: 'word.remove', wordId: row.id });
      void antMessage.success(manage ? t.removed : pt.proposed);
      await load();
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const runTest = async () => {
    try {
      setTested({ text: sample, answer: await api.post<TestAnswer>('words/test', { text: sample }) });
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  const columns: TableColumnsType<WordRow> = [
    {
      title: t.word,
      dataIndex: 'word',
      render: (w: string) => <Typography.Text strong>{w}</Typography.Text>,
    },
    {
      title: t.action,
      dataIndex: 'action',
      width: 150,
      render: (a: Action, row) => (
        <Select<Action>
          size="small"
          variant="borderless"
          value={a}
          style={{ width: 120 }}
          onChange={(v) => void changeAction(row, v)}
          options={(['block', 'review'] as const).map((v) => ({
            value: v,
            label: <Tag color={ACTION_COLORS[v]}>{t[v]}</Tag>,
          }))}
        />
      ),
    },
    { title: t.note, dataIndex: 'note', render: (v: string | null) => v ?? '—' },
    { title: t.createdBy, dataIndex: 'createdBy', width: 110 },
    { title: t.createdAt, dataIndex: 'createdAt', width: 170, render: (v: string) => beijingTime(v) },
    {
      title: t.actions,
      key: 'actions',
      width: 90,
      render: (_, row) => (
        <Popconfirm
          title={fill(t.removeConfirm, { word: row.word })}
          okText={t.ok}
          cancelText={t.cancel}
          onConfirm={() => void remove(row)}
        >
          <Button size="small" type="link" danger icon={<DeleteOutlined />}>
            {t.remove}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card
          title={t.title}
          extra={
            <Space>
              <Button icon={<ReloadOutlined />} onClick={() => void load()}>
                {t.refresh}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                {t.add}
              </Button>
            </Space>
          }
        >
          {!manage && <Alert type="info" showIcon title={pt.proposeHint} style={{ marginBottom: 16 }} />}
          <Space style={{ marginBottom: 16 }} wrap>
            <Segmented
              value={filter}
              onChange={(v) => setFilter(v === 'block' || v === 'review' ? v : 'all')}
              options={[
                { value: 'all', label: `${t.all} (${rows.length})` },
                { value: 'block', label: `${t.block} (${count('block')})` },
                { value: 'review', label: `${t.review} (${count('review')})` },
              ]}
            />
            <Input.Search
              allowClear
              placeholder={t.search}
              style={{ width: 220 }}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </Space>
          <Table
            rowKey="id"
            size="middle"
            loading={loading}
            columns={columns}
            dataSource={shown}
            locale={{ emptyText: t.empty }}
            pagination={{ pageSize: 20, showTotal: (n) => fill(t.total, { n }) }}
          />
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card title={t.tester}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input.TextArea
              rows={4}
              maxLength={2000}
              value={sample}
              placeholder={t.testText}
              onChange={(e) => setSample(e.target.value)}
              data-testid="word-test-text"
            />
            <Button
              icon={<ExperimentOutlined />}
              onClick={() => void runTest()}
              disabled={sample.trim() === ''}
            >
              {t.test}
            </Button>
            {tested && (
              <>
                <Alert
                  type={
                    tested.answer.verdict === 'block'
                      ? 'error'
                      : tested.answer.verdict === 'review'
                        ? 'warning'
                        : 'success'
                  }
                  showIcon
                  title={
                    tested.answer.verdict === 'block'
                      ? fill(t.verdictBlock, { words: tested.answer.block.join('、') })
                      : tested.answer.verdict === 'review'
                        ? fill(t.verdictReview, { words: tested.answer.review.join('、') })
                        : t.pass
                  }
                  data-testid="word-test-verdict"
                />
                <div style={{ padding: 12, background: '#fafafa', borderRadius: 6 }}>
                  <HighlightedText text={tested.text} hits={tested.answer.hits} />
                </div>
              </>
            )}
            <Typography.Text type="secondary">{t.normalise}</Typography.Text>
          </Space>
        </Card>
      </Col>
      <Modal
        open={adding}
        title={t.add}
        okText={t.ok}
        cancelText={t.cancel}
        okButtonProps={{ loading: saving }}
        onOk={() => void add()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ action: 'block' }} preserve={false}>
          <Form.Item
            name="words"
            label={t.words}
            rules={[{ required: true, whitespace: true, message: t.wordsRequired }]}
          >
            <Input.TextArea rows={5} maxLength={20_000} data-testid="word-input" />
          </Form.Item>
          <Upload
            accept=".txt,.csv,text/plain,text/csv"
            showUploadList={false}
            beforeUpload={(file) => {
              void file.text().then((text) => {
                const words = wordsFromFile(text);
                form.setFieldsValue({ words: words.join('\n') });
                void antMessage.success(fill(t.imported, { n: words.length, name: file.name }));
              });
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="word-import" style={{ marginBottom: 16 }}>
              {t.importFile}
            </Button>
          </Upload>
          <Form.Item name="action" label={t.action}>
            <Radio.Group>
              <Space orientation="vertical">
                <Radio value="block">
                  <Tag color="red">{t.block}</Tag> {t.blockHint}
                </Radio>
                <Radio value="review">
                  <Tag color="orange">{t.review}</Tag> {t.reviewHint}
                </Radio>
              </Space>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="note" label={t.note}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Row>
  );
}
