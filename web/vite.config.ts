import { defineConfig } from 'vite';

// The Rust server embeds web/dist and serves it at `/`, with the JSON API under `/api/`.
// Relative asset paths keep the bundle working wherever it is mounted.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    // `npm run dev` proxies the API to a locally running service.
    proxy: { '/api': process.env.CST_API ?? 'http://127.0.0.1:8080' },
  },
});
