import type { RepoTask } from '../../src/repo/record.js';

/** A small hand-made task (a method of a toy class), shaped like the builder's records. */
export function toyTask(over: Partial<RepoTask> = {}): RepoTask {
  const file = [
    'import re',
    '',
    '',
    'class Slugger:',
    '    """Turns titles into slugs."""',
    '',
    '    sep = "-"',
    '',
    '    def slug(self, title):',
    '        """Lowercase the title and join its words with the separator."""',
    '        words = re.findall(r"\\w+", title)',
    '',
    '        words = [w.lower() for w in words]',
    '        if not words:',
    '            return ""',
    '        return self.sep.join(words)',
    '',
    '    def other(self):',
    '        return 1',
    '',
  ].join('\n');
  const lines = file.split('\n');
  const buggyLines = [...lines];
  buggyLines[13] = '        if words:';
  return {
    idx: 0, dp_id: 'django/utils/toy.py::Slugger.slug', split: 'test', file_path: 'django/utils/toy.py', raw_file_content: file,
    class_name: 'Slugger', class_doc: 'Turns titles into slugs.', class_code: lines.slice(3, 19).join('\n'), class_position_in_file: [3, 18],
    file_without_method: [...lines.slice(0, 8), ...lines.slice(16)].join('\n'), class_without_method: [...lines.slice(3, 8), ...lines.slice(16, 19)].join('\n'),
    file_with_buggy_method: buggyLines.join('\n'), test_error_message: 'FAIL: test_slug (toy_tests.T)\n',
    method: {
      name: 'slug', declaration: '    def slug(self, title):', body: lines.slice(9, 16).join('\n'),
      description: 'Lowercase the title and join its words with the separator.',
      global_method_declaration_index: [8, 8], global_method_body_index: [9, 15],
    },
    tests: { full_paths: ['toy_tests.T.test_slug'], time_test_norm: 0.01 },
    bug: { line: 14, col: 11, from: 'not', to: '', new_line: '        if words:' },
    mutants: [
      { line: 14, col: 11, from: 'not', to: '', new_line: '        if words:' },
      { line: 16, col: 15, from: 'x', to: 'y', new_line: '        return self.sep.join(words[1:])' },
    ],
    ...over,
  };
}
