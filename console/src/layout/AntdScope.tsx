/**
 * antd's providers (theme, App for message/modal) and its style sheet, for the pages built with
 * antd. Loaded on demand (React.lazy): the frame and the overview are plain, so a first load of
 * the overview neither fetches nor evaluates antd, nor parses its 1 MB of CSS. The css-var key is
 * fixed so a second mount (the login page, then the cluster pages) reuses the theme's variables.
 */
import type { ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import 'antd/dist/antd.css';

/**
 * `motion: false`: dialogs, confirmations and menus appear and go at once. A dialog zooms in from
 * where the click that opened it was, for a third of a second; a click on its button in that time
 * was pressed on the button and released beside it (the button had moved on), and was lost.
 */
const theme = {
  zeroRuntime: true,
  cssVar: { key: 'berth' },
  token: { colorPrimary: '#1668dc', borderRadius: 6, motion: false },
};

export default function AntdScope({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider theme={theme}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
