// Builds the console into console/dist: one entry, one chunk per page (React.lazy), vendor code in
// shared chunks. `npm run build:console` runs it; `berth up` serves the result.
import { defineConfig, type Plugin } from 'vite';
import type { OutputBundle } from 'rolldown';
import react from '@vitejs/plugin-react';

/**
 * Builds src/boot.ts as an entry of its own and loads it from index.html before the app: a
 * module of a few KiB that starts the first page's chunk and data while the browser is still
 * fetching and compiling React, the router and antd (see boot.ts).
 */
function bootEntry(): Plugin {
  /** The chunks `file` imports, directly or not. */
  const importsOf = (file: string, bundle: OutputBundle): string[] => {
    const seen = new Set<string>();
    const walk = (f: string) => {
      const c = bundle[f];
      if (c?.type !== 'chunk') return;
      for (const i of c.imports) {
        if (seen.has(i)) continue;
        seen.add(i);
        walk(i);
      }
    };
    walk(file);
    return [...seen];
  };
  return {
    name: 'berth-boot-entry',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && c.isEntry && c.name === 'boot',
        );
        if (!boot) throw new Error('no boot chunk in the bundle');
        // async: it runs as soon as it has arrived, not after parsing and the style sheets; its
        // imports are preloaded beside it, or they would be asked for only once it has arrived.
        const tag =
          `<script type="module" async crossorigin src="/${boot.fileName}"></script>\n    ` +
          importsOf(boot.fileName, ctx.bundle ?? {})
            .map((f) => `<link rel="modulepreload" crossorigin href="/${f}">\n    `)
            .join('');
        return html.replace('<script type="module"', tag + '<script type="module"');
      },
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react(), bootEntry()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each route loads (the console bench sums them).
    manifest: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        index: 'index.html',
        boot: 'src/boot.ts',
      },
    },
  },
  server: {
    // `npm run dev:console` proxies the API to a running console server (default 127.0.0.1:9443).
    proxy: {
      '/api': { target: process.env.BERTH_CONSOLE_URL ?? 'https://127.0.0.1:9443', secure: false },
    },
  },
});
