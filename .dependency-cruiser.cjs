/** Layer check of src/: no import cycle between files or folders, no arrow from the core up to the CLI. */
module.exports = {
  forbidden: [
    { name: 'no-file-cycle', severity: 'error', comment: 'files import each other in a loop', from: {}, to: { circular: true } },
    { name: 'no-folder-cycle', severity: 'error', scope: 'folder', comment: 'folders import each other in a loop', from: {}, to: { circular: true } },
    { name: 'core-not-cli', severity: 'error', comment: 'the CLI is a thin layer over the core; the core never imports it', from: { path: '^src/(?!cli/)' }, to: { path: '^src/cli/' } },
    { name: 'util-is-bottom', severity: 'error', comment: 'util/ is the bottom layer', from: { path: '^src/util/' }, to: { path: '^src/(?!util/)' } },
    { name: 'no-dist-internals', severity: 'error', comment: 'scripts use the package entry point only (codeconv-eval, i.e. dist/index.js)', from: { path: '^scripts/' }, to: { path: '^(\\.\\./)?(dist/(?!index\\.js$)|src/)' } }, // ../dist/...: unresolved before a build
  ],
  options: {
    // dist/ is not cruised, but stays visible as a target so that a script importing its internals is caught.
    doNotFollow: { path: '^(node_modules|dist)/' },
    exclude: { path: '^node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
