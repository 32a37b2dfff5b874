/** The Words page's test box: what a text would hit, highlighted, and the verdict. */
import { useState } from 'react';
import { Alert, Button, Card, Col, Input, message as antMessage, Space, Typography } from 'antd';
import { ExperimentOutlined } from '@ant-design/icons';
import type { WordTestAnswer } from '../../../contract/words.js';
import { api } from '../../api.js';
import { HighlightedText } from '../../components/HighlightedText.js';
import { errorText, fill, useLang } from '../../i18n.js';
import type { WordsTexts } from './texts.js';

export function WordTester({ t }: { t: WordsTexts }) {
  const lang = useLang();
  const [sample, setSample] = useState('');
  const [tested, setTested] = useState<{ text: string; answer: WordTestAnswer } | null>(null);

  const runTest = async () => {
    try {
      setTested({ text: sample, answer: await api.post<WordTestAnswer>('words/test', { text: sample }) });
    } catch (err) {
      void antMessage.error(errorText(lang, err));
    }
  };

  return (
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
  );
}
