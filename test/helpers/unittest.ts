/** The source of a unittest suite, class TestCases, with one test method per entry: its name and its one-line body. */
export function unittestSuite(tests: Record<string, string>): string {
  const methods = Object.entries(tests).flatMap(([name, body]) => [`    def ${name}(self):`, `        ${body}`]);
  return ['import unittest', 'class TestCases(unittest.TestCase):', ...methods].join('\n') + '\n';
}
