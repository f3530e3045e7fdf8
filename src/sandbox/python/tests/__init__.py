# Unit tests of the sandbox judge: python3 -B -m unittest discover -s tests -t . (from src/sandbox/python).
