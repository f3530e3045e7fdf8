/** Layer check of src/: no import cycle between files or folders, no arrow from the core up to the CLI. */
module.exports = {
  forbidden: [
    { name: 'no-file-cycle', severity: 'error', comment: 'files import each other in a loop', from: {}, to: { circular: true } },
    { name: 'no-folder-cycle', severity: 'error', scope: 'folder', comment: 'folders import each other in a loop', from: {}, to: { circular: true } },
    { name: 'core-not-cli', severity: 'error', comment: 'the CLI is a thin layer over the core; the core never imports it', from: { path: '^src/(?!cli/)' }, to: { path: '^src/cli/' } },
    { name: 'util-is-bottom', severity: 'error', comment: 'util/ is the bottom layer', from: { path: '^src/util/' }, to: { path: '^src/(?!util/)' } },
    { name: 'no-dist-internals', severity: 'error', comment: 'scripts use the package entry point only', from: { path: '^scripts/' }, to: { path: '^(dist|src)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
