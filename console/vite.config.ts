// Builds the console into console/dist: one entry, one chunk per page (React.lazy), vendor code in
// shared chunks. `npm run build:console` runs it; `berth up` serves the result.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // dist/.vite/manifest.json: which chunks each route loads (the console bench sums them).
    manifest: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev:console` proxies the API to a running console server (default 127.0.0.1:9443).
    proxy: {
      '/api': { target: process.env.BERTH_CONSOLE_URL ?? 'https://127.0.0.1:9443', secure: false },
    },
  },
});
