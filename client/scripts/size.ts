/** `npm run client:size`: prints the client's size bundled for browsers, minified and gzipped. */
import { clientBundleSize } from './bundle-size';

const { minified, gzipped } = await clientBundleSize();
console.log(
  `chat-config-client: ${minified} bytes minified, ${gzipped} bytes gzipped (esbuild: bundle, minify, ESM, browser; gzip -9)`,
);
