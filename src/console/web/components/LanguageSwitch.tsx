/** 中文 / English; the choice is kept in the browser. */
import { useContext } from 'react';
import { Segmented } from 'antd';
import { LangContext, type Lang } from '../i18n.js';

export function LanguageSwitch() {
  const { lang, setLang } = useContext(LangContext);
  return (
    <Segmented<Lang>
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
