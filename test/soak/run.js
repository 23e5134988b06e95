'use strict';
/**
 * `npm run test:soak`: runs test/soak/load.ts without a TypeScript runner in the dependencies.
 * TypeScript files are transpiled on require (typescript's transpileModule, no type check:
 * `npm run typecheck` covers test/), and `@motcua/*` resolves to the built libraries in dist/
 * (`npm run build` first; the script does it).
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@motcua\/([a-z-]+)(\/.*)?$/.exec(request);
  if (m) request = path.join(ROOT, 'dist/libs', m[1], 'src', m[2] ?? '');
  return resolve.call(this, request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};
process.on('unhandledRejection', (err) => {
  console.error(err);
  process.exit(1);
});
require('./load.ts')
  .main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
