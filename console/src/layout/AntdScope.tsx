/**
 * antd's providers (theme, App for message/modal) and its style sheet, for the pages built with
 * antd. Loaded on demand (React.lazy): the frame and the overview are plain, so a first load of
 * the overview neither fetches nor evaluates antd, nor parses its 1 MB of CSS. The css-var key is
 * fixed so a second mount (the login page, then the cluster pages) reuses the theme's variables.
 */
import type { ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import 'antd/dist/antd.css';

const theme = {
  zeroRuntime: true,
  cssVar: { key: 'berth' },
  token: { colorPrimary: '#1668dc', borderRadius: 6 },
};

export default function AntdScope({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider theme={theme}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
